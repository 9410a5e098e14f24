// Reply editor: live character count against the platform limit; refuses submission past it.
(function () {
  "use strict";
  var area = document.getElementById("reply-text");
  if (!area) { return; }
  var limit = parseInt(area.dataset.limit, 10);
  var count = document.getElementById("reply-count");
  var over = document.getElementById("reply-over");
  var form = area.form;
  var buttons = form.querySelectorAll("button.text-action");

  // Count characters the way the server does: code points, CRLF as one line end, outer blanks trimmed.
  function length(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").trim()).length;
  }

  function update() {
    var n = length(area.value);
    var tooLong = n > limit;
    count.textContent = String(n);
    over.hidden = !tooLong;
    area.classList.toggle("too-long", tooLong);
    area.setCustomValidity(tooLong ? "超出平台字数上限 " + limit + " 字" : "");
    buttons.forEach(function (b) { b.disabled = tooLong || n === 0; });
  }

  area.addEventListener("input", update);
  form.addEventListener("submit", function (event) {
    if (length(area.value) > limit) { event.preventDefault(); update(); }
  });
  document.querySelectorAll("a.use[data-use]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var source = document.getElementById("suggestion-text-" + link.dataset.use);
      if (!source) { return; }
      event.preventDefault();
      area.value = source.content.textContent;
      update();
      area.focus();
    });
  });
  update();
}());
