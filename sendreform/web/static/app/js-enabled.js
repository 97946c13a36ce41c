// Run first in <body>: GOV.UK Frontend's components style themselves once these classes are on the body.
// A file of its own, as every script is, so the Content-Security-Policy allows no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
