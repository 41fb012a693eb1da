// Suggestions as a person types a list of names ("FOLFOX, Xel..."): the page's datalist offers
// whole values, so this keeps the names already typed in front of each suggestion. The page works
// without it. It also ticks the "Yes, these" answer of a list question when a name is ticked or
// typed, and clears the names when "I don't know" or "None" is chosen, so that the answer sent
// says what the person did (choosing "Yes, these" again puts them back); makes Back show the
// answers sent; and keeps answers too long for an address from being sent, saying which.
(function () {
  "use strict";
  var MAX = 30;
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var source = document.getElementById(input.getAttribute("data-suggest"));
    if (!source) { return; }
    var names = Array.prototype.map.call(source.options, function (o) { return o.value; });
    var own = document.createElement("datalist");
    own.id = input.id + "-suggest";
    document.body.appendChild(own);
    input.setAttribute("list", own.id);
    input.addEventListener("input", function () {
      var parts = input.value.split(",");
      var last = parts.pop().trim().toLowerCase();
      var before = parts.map(function (p) { return p.trim(); }).filter(Boolean);
      var prefix = before.length ? before.join(", ") + ", " : "";
      own.textContent = "";
      if (!last) { return; }
      names.filter(function (n) { return n.toLowerCase().indexOf(last) === 0; })
        .slice(0, MAX).forEach(function (n) {
          var option = document.createElement("option");
          option.value = prefix + n;
          own.appendChild(option);
        });
    });
  });
  document.querySelectorAll("[data-list-for]").forEach(function (box) {
    var name = box.getAttribute("data-list-for");
    var yes = document.querySelector('input[type=radio][name="' + name + '"][value="some"]');
    if (!yes) { return; }
    box.addEventListener("input", function (event) {
      var target = event.target;
      if ((target.type === "checkbox" && target.checked) || (target.type === "text" && target.value.trim())) {
        yes.checked = true;
      }
    });
    // "I don't know" or "None" chosen after names were ticked or typed: they are cleared, so
    // that the answer sent is the one chosen (liver ticked, then "I don't know", sent liver),
    // and kept here: "Yes, these" chosen again puts them back (a keyboard user arrowing through
    // the answers passes "None" on the way, and the names typed were lost)
    var ticks = box.querySelectorAll("input[type=checkbox]");
    var typed = box.querySelectorAll("input[type=text]");
    var kept = null;
    function answered() {
      return Array.prototype.some.call(ticks, function (t) { return t.checked; }) ||
        Array.prototype.some.call(typed, function (t) { return t.value.trim() !== ""; });
    }
    document.querySelectorAll('input[type=radio][name="' + name + '"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (!radio.checked) { return; }
        if (radio.value === "unknown" || radio.value === "none") {
          if (answered()) {
            kept = {
              ticks: Array.prototype.map.call(ticks, function (t) { return t.checked; }),
              typed: Array.prototype.map.call(typed, function (t) { return t.value; })
            };
          }
          ticks.forEach(function (t) { t.checked = false; });
          typed.forEach(function (t) { t.value = ""; });
        } else if (radio.value === "some" && kept && !answered()) {
          ticks.forEach(function (t, at) { t.checked = kept.ticks[at]; });
          typed.forEach(function (t, at) { t.value = kept.typed[at]; });
        }
      });
    });
  });
  // On sending the form, this page's entry in the history becomes the form filled with the
  // answers ("/?cancer=..."), so that Back shows them again, as the server fills them: the
  // browser does not keep what was typed in a box that asks it not to remember (autocomplete
  // off, so that a shared computer does not offer the names typed to the next person).
  // Answers that would make the address longer than the server reads (its limit is the form's
  // data-max-query, Settings.max_query_bytes) are not sent: the page said "too long" (414), and
  // the history entry had already become that address, so Back was "too long" as well and
  // every answer was lost. A message names the boxes that hold the most, right after the one
  // that holds the most (beside the button when no box is named).
  // (The boxes have no maxlength: it cut a pasted list short without a word, and a treatment
  // named last was lost.)
  var sent = document.querySelector("form[action='/options']");
  if (sent && window.history && window.URLSearchParams && window.FormData) {
    var most = parseInt(sent.getAttribute("data-max-query"), 10);
    var message = document.getElementById("too-long");
    var home = message ? message.parentNode : null;  // beside the button
    var marked = null;  // the box the message was said after, marked as holding too much
    var unmark = function (box) {  // a box shortened, or another now the longest
      var described = (box.getAttribute("aria-describedby") || "").split(" ").filter(
        function (id) { return id && id !== "too-long"; });
      if (described.length) { box.setAttribute("aria-describedby", described.join(" ")); }
      else { box.removeAttribute("aria-describedby"); }
      if (!box.hasAttribute("data-invalid-before")) { box.removeAttribute("aria-invalid"); }
    };
    var boxes = sent.querySelectorAll("input[type=text][data-label]");
    var count = function (n) { return n.toLocaleString("en"); };
    sent.addEventListener("submit", function (event) {
      var query = new URLSearchParams(new FormData(sent)).toString();
      if (most > 0 && query.length > most) {
        event.preventDefault();
        // the boxes that hold the most, as many as shortening would bring the address within
        var sizes = Array.prototype.map.call(boxes, function (box) {
          return { box: box, taken: new URLSearchParams([[box.name, box.value]]).toString().length };
        }).filter(function (b) { return b.box.value.length > 0; })
          .sort(function (a, b) { return b.taken - a.taken; });
        var named = [];
        var over = query.length - most;
        sizes.forEach(function (b) {
          if (over > 0) { named.push(b); over -= b.taken; }
        });
        var said = "Your answers are too long to send: they take " + count(query.length) +
          " characters in the page's address, and onconav reads at most " + count(most) + ". ";
        if (named.length) {
          said += named.map(function (b) {
            return "“" + b.box.getAttribute("data-label") + "” holds " +
              count(b.box.value.length) + " characters";
          }).join("; ") + ": shorten " + (named.length > 1 ? "them" : "it") +
            " to a few names, separated by commas, and send again.";
        } else {
          said += "Choose fewer answers, and send again.";
        }
        var longest = named.length ? named[0].box : null;
        if (message) {
          message.textContent = said;
          message.hidden = false;
          // said right after the box to shorten, where the focus goes: beside the button it
          // was several screens below the box on a phone, out of sight (a review); with no box
          // to name, beside the button
          var before = marked;
          if (before && before !== longest) { unmark(before); }
          marked = longest;
          if (longest) {
            longest.insertAdjacentElement("afterend", message);
            var described = (longest.getAttribute("aria-describedby") || "").split(" ");
            if (described.indexOf(message.id) < 0) {
              longest.setAttribute("aria-describedby",
                described.concat([message.id]).join(" ").trim());
            }
            if (longest.getAttribute("aria-invalid") === "true" && before !== longest) {
              longest.setAttribute("data-invalid-before", "");  // the server's: kept
            }
            longest.setAttribute("aria-invalid", "true");
          } else if (home) {
            home.insertBefore(message, home.firstChild);
          }
        }
        if (longest) { longest.focus(); }
        return;
      }
      if (message) { message.hidden = true; }
      if (marked) { unmark(marked); marked = null; }
      window.history.replaceState(null, "", "/?" + query);
    });
  }
})();
