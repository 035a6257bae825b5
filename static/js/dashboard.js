// The partner report's print button: shown only when script runs (Ctrl+P works without).
document.querySelectorAll("[data-lef-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
