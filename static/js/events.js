// Meetup pages (events/views.py): let htmx show the server's answer to a request that
// was refused (400 bad input, 403, 409 full or closed, 503 busy) inside regions marked
// data-lef-swap-errors, as the page does without JavaScript; by default htmx drops
// the body of an error response and the message would never be seen.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  const target = event.detail.target;
  if (status >= 400 && status < 600 && target && target.closest("[data-lef-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
