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
})();
