// A "Copy" button beside a read-only address (the calendar page's feed address):
// <button data-lef-copy="input-id" data-lef-copied="Copied" data-lef-select="..." hidden>.
// Without JavaScript the button stays hidden and the address is there to select by hand.
// The clipboard may be refused (an old browser, a page not served over HTTPS): then the
// address is selected in its field and the status line says how to copy it.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-lef-copy]")) {
    const field = document.getElementById(button.dataset.lefCopy);
    const status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (!field) {
      continue;
    }
    const say = (text) => {
      if (status) {
        status.textContent = text;
      }
    };
    const select = () => {
      field.focus();
      field.select();
    };
    field.addEventListener("focus", () => field.select());
    button.addEventListener("click", async () => {
      try {
        if (!navigator.clipboard || !window.isSecureContext) {
          throw new Error("no clipboard");
        }
        await navigator.clipboard.writeText(field.value);
        say(button.dataset.lefCopied);
      } catch {
        select();
        say(button.dataset.lefSelect);
      }
    });
    button.hidden = false;
  }
});
