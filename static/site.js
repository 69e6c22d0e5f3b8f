/* Large-text (适老化) toggle. Loaded in <head> without defer so that the
   stored choice applies before the first paint; the button is wired up once
   the page has loaded. Without JavaScript the button stays hidden. */
(function () {
  "use strict";
  var KEY = "lvzhi-large-text";
  var CLASS = "large-text";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function store(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: per page only */ }
  }
  if (stored()) { root.classList.add(CLASS); }
  // Where the site's root is, for 404.html: a server shows it at any address and it cannot tell
  // the root from the address alone when the site is served below a folder such as /intranet/list/.
  try {
    var script = document.currentScript && document.currentScript.src;
    if (script) { window.localStorage.setItem("lvzhi-root", script.replace(/static\/site\.js(?:[?#].*)?$/, "")); }
  } catch (e) { /* no storage: 404.html guesses from the address */ }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("large-text-toggle");
    if (!button) { return; }
    function show() {
      var on = root.classList.contains(CLASS);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    button.addEventListener("click", function () {
      store(root.classList.toggle(CLASS));
      show();
    });
    show();
    button.hidden = false;
  });
}());
