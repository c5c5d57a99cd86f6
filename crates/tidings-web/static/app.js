// tidings in the browser: registers the service worker (offline reading)
// and offers "Get the app" where the browser can install it. Reading never
// needs this script.
"use strict";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
}

var installPrompt = null;
window.addEventListener("beforeinstallprompt", function (event) {
  event.preventDefault();
  installPrompt = event;
  var button = document.getElementById("get-the-app");
  if (button) {
    button.hidden = false;
  }
});

document.addEventListener("click", function (event) {
  if (event.target && event.target.id === "get-the-app" && installPrompt) {
    installPrompt.prompt();
    installPrompt.userChoice.finally(function () {
      installPrompt = null;
      event.target.hidden = true;
    });
  }
});
