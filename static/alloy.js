// Behaviour for every page, from this one file: the Content-Security-Policy allows no inline script.

// A button with data-copy="<id>" copies that element's value (or text) to the clipboard.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var source = document.getElementById(button.dataset.copy);
    navigator.clipboard.writeText(source.value || source.textContent);
    button.textContent = "Copied";
  });
});

// A page that answered a POST (a key just created): a reload fetches it again instead of re-submitting.
if (document.querySelector("[data-answers-post]") && window.history.replaceState) {
  window.history.replaceState(null, "", window.location.href);
}
