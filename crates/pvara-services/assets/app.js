// No inline scripts: what the pages need beyond htmx lives here.
document.documentElement.classList.add('js-enabled');

// "Print or save as PDF" on the data page: a button that needs a script stays hidden without one.
for (const button of document.querySelectorAll('[data-pvara-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}

// GOV.UK Frontend's components (the header's menu on a phone, the error summary taking focus,
// buttons that ignore a double click) start only on a body that says scripts run, and come as an
// ES module whose content-hashed URL the page names in a meta element.
document.body.classList.add('govuk-frontend-supported');
const govukFrontend = document.querySelector('meta[name="pvara-govuk-frontend"]');
if (govukFrontend) {
  import(govukFrontend.content).then((govuk) => govuk.initAll());
}

// The timeout warning (the GOV.UK pattern): two minutes before the session ends, a dialog says
// so and offers to stay signed in, which renews the session without leaving the page; past the
// end, the page goes to the sign-in page and comes back after it. Without a script the session
// simply ends, and the next page asks to sign in again.
const timeout = document.getElementById('pvara-timeout');
if (timeout && typeof timeout.showModal === 'function') {
  const WARN_MS = 2 * 60 * 1000;
  // The server says how long the session has left, not when it ends: a computer whose clock is
  // wrong is still warned in time.
  let expires = Date.now() + Number(timeout.dataset.secondsLeft) * 1000;
  let timer;
  const warn = () => {
    if (Date.now() >= expires) {
      window.location.assign('/login?next=' + encodeURIComponent(window.location.pathname + window.location.search));
      return;
    }
    if (!timeout.open) timeout.showModal();
    timer = window.setTimeout(warn, Math.max(1000, expires - Date.now()));
  };
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(warn, Math.max(0, expires - WARN_MS - Date.now()));
  };
  timeout.querySelector('[data-pvara-renew]').addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await fetch('/session/renew', {
      method: 'POST',
      body: new URLSearchParams(new FormData(event.target)),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (response.ok) {
      expires = Date.now() + (await response.json()).secondsLeft * 1000;
      timeout.close();
      schedule();
    }
  });
  schedule();
}
