/* Progress bars take their width from data-width (no inline styles under the CSP); a
   [data-print] button prints the page. */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll(".progress span[data-width]").forEach(function (bar) {
      bar.style.width = Math.min(100, Number(bar.dataset.width) || 0) + "%";
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
