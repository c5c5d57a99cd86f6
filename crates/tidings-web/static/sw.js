// tidings' service worker: pages come from the network when it answers;
// articles read recently (and the pages around them) are kept, so they open
// offline; anything else offline gets an honest offline page.
"use strict";

var VERSION = "__VERSION__";
var SHELL = "tidings-shell-" + VERSION;
var PAGES = "tidings-pages";
var KEEP_PAGES = 60;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) {
      return cache.addAll(["/offline", "__STYLE__", "/static/icon.svg"]);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("tidings-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function remember(request, response) {
  return caches.open(PAGES).then(function (cache) {
    return cache.put(request, response).then(function () {
      return cache.keys();
    }).then(function (keys) {
      // Oldest first: forget beyond the last KEEP_PAGES pages.
      return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP_PAGES)).map(function (key) {
        return cache.delete(key);
      }));
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (request.mode !== "navigate") {
    return;
  }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        event.waitUntil(remember(request, copy));
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) {
        return hit || caches.match("/offline");
      });
    })
  );
});
