// Leave empty filters out of the library's live (htmx) requests, so the address in
// the location bar stays short and shareable: /knowledge/?sector=po rather than
// /knowledge/?q=&sector=po&transition=&activity=&kind=&licence=.
document.addEventListener("htmx:configRequest", (event) => {
  if (!event.detail.elt.closest("form.lef-library-filters")) {
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
  const panel = document.getElementById("library-filters");
  if (panel && window.matchMedia("(min-width: 992px)").matches) {
    panel.open = true;
  }
});
