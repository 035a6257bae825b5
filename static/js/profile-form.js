// The profile form: the primary sector is not offered again among the "other
// sectors" (CSS hides the box marked data-is-primary; the server marks the
// current one, so this works without JavaScript too). When the member picks
// another primary sector, move the mark and untick that box.
document.addEventListener("DOMContentLoaded", () => {
  const primary = document.getElementById("id_primary_sector");
  if (!primary) {
    return;
  }
  primary.addEventListener("change", () => {
    for (const box of document.querySelectorAll("input[data-sector]")) {
      const isPrimary = box.dataset.sector === primary.value;
      box.toggleAttribute("data-is-primary", isPrimary);
      if (isPrimary) {
        box.checked = false;
      }
    }
  });
});
