// The search-and-filter forms of the lists (projects, the knowledge library), marked
// with data-lef-filters.
//
// Leave empty filters out of their live (htmx) requests, so the address in the
// location bar stays short and shareable: /projects/?sector=po rather than
// /projects/?q=&sector=po&transition=&activity=&status=&tag=.
document.addEventListener("htmx:configRequest", (event) => {
  if (!event.detail.elt.closest("form[data-lef-filters]")) {
    return;
  }
  const params = event.detail.parameters;
  for (const [key, value] of Array.from(params.entries())) {
    if (value === "") {
      params.delete(key);
    }
  }
});

// The filters fold behind "Filters (n)" so that on a phone the results start on
// the first screen. On a wide screen there is room: open them there.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(min-width: 992px)").matches) {
    return;
  }
  for (const panel of document.querySelectorAll("form[data-lef-filters] details.lef-filter-panel")) {
    panel.open = true;
  }
});
