// Suggestions as a person types a list of names ("FOLFOX, Xel..."): the page's datalist offers
// whole values, so this keeps the names already typed in front of each suggestion. The page works
// without it. It also ticks the "Yes, these" answer of a list question when a name is ticked or
// typed, so that the answer sent says what the person did.
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
  });
})();
