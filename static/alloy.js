// Behaviour for every page, from this one file: the Content-Security-Policy allows no inline script.

// A button with data-copy="<id>" copies that element's value (or text) to the clipboard, says so (read out
// by screen readers: the button is a polite live region), and goes back to its label after two seconds.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var label = button.textContent;
  button.setAttribute("aria-live", "polite");
  button.addEventListener("click", function () {
    var source = document.getElementById(button.dataset.copy);
    var text = source.value || source.textContent;
    var said = function (message) {
      button.textContent = message;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    };
    navigator.clipboard.writeText(text).then(
      function () { said("Copied"); },
      function () { if (source.select) { source.select(); } said("Selected: press Ctrl+C"); }
    );
  });
});

// A page that answered a POST (a key just created): a reload fetches it again instead of re-submitting.
if (document.querySelector("[data-answers-post]") && window.history.replaceState) {
  window.history.replaceState(null, "", window.location.href);
}
