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
