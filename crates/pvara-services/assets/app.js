// No inline scripts: what the pages need beyond htmx lives here.
document.documentElement.classList.add('js-enabled');
