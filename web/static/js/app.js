// Atiende progressive enhancements. Every page works without this file; it
// only adds comfort. No inline script, no eval: it runs under
// "script-src 'self'". Listeners are delegated on the document, so content
// swapped in by htmx is covered without re-initialising anything.
(function () {
  'use strict';

  // <form data-confirm="Delete this view?"> or a submit button carrying
  // data-confirm asks before submitting. The listener runs in the capture
  // phase so that, when the user says no, the event never reaches the form:
  // neither the browser nor htmx (hx-post on the form) submits it.
  document.addEventListener('submit', function (event) {
    const form = event.target;
    const submitter = event.submitter;
    const message = (submitter && submitter.getAttribute('data-confirm')) ||
      form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // A form that performs an unsafe request is marked as submitting: a second
  // submit is refused and its buttons are disabled until the next page
  // arrives, so an impatient double click does not post twice. Forms handled
  // by htmx (which prevents the default action and queues its own requests),
  // GET forms, forms opening another window and forms marked
  // data-allow-resubmit are left alone.
  const SUBMITTING = 'is-submitting';
  const timers = new WeakMap();

  function reset(form) {
    form.classList.remove(SUBMITTING);
    form.removeAttribute('aria-busy');
    form.querySelectorAll('[data-disabled-by-submit]').forEach(function (el) {
      el.disabled = false;
      el.removeAttribute('data-disabled-by-submit');
    });
    clearTimeout(timers.get(form));
  }

  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.classList.contains(SUBMITTING)) {
      event.preventDefault();
      return;
    }
    const method = (event.submitter && event.submitter.getAttribute('formmethod')) ||
      form.getAttribute('method') || 'get';
    if (event.defaultPrevented || method.toLowerCase() !== 'post' ||
      form.hasAttribute('target') || form.hasAttribute('data-allow-resubmit')) {
      return;
    }
    form.classList.add(SUBMITTING);
    form.setAttribute('aria-busy', 'true');
    // Disable on the next tick: the browser has built the form data by then,
    // so the clicked button's name and value are still sent.
    setTimeout(function () {
      form.querySelectorAll('button:not([type="button"]):not([type="reset"]), input[type="submit"]')
        .forEach(function (el) {
          if (!el.disabled) {
            el.disabled = true;
            el.setAttribute('data-disabled-by-submit', '');
          }
        });
    }, 0);
    // If the navigation is stopped (Esc, network error), give the form back.
    timers.set(form, setTimeout(function () { reset(form); }, 15000));
  });

  // Coming back through the back/forward cache restores the page as it was
  // left, disabled buttons included: re-enable them.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      document.querySelectorAll('form.' + SUBMITTING).forEach(reset);
    }
  });
})();
