// Start GOV.UK Frontend's components. Its file's address (with the hash collectstatic gives it) is on <body>.
const { initAll } = await import(document.body.dataset.govukFrontend);
initAll();
