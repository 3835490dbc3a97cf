/* Small behaviours of the shell, without inline scripts. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    // The phone-width menu: the sidebar folds away behind the menu button.
    var toggle = event.target.closest(".menu-toggle");
    if (!toggle) return;
    var open = document.body.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.body.classList.contains("nav-open")) {
      document.body.classList.remove("nav-open");
      var toggle = document.querySelector(".menu-toggle");
      if (toggle) toggle.setAttribute("aria-expanded", "false");
    }
  });
  // A table wider than the screen scrolls inside its wrapper. A keyboard user reaches that scroll
  // only if the wrapper takes focus (WCAG 2.1.1), and it is named by the table's own heading.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) return;
      var heading = wrap.querySelector("caption") || (wrap.closest("section, .card") || document).querySelector("h1, h2, h3");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      if (heading) wrap.setAttribute("aria-label", heading.textContent.trim());
    });
  }
  document.addEventListener("DOMContentLoaded", function () { focusableScrollers(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusableScrollers(event.target); });
})();
