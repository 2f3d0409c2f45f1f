// Suggest FAQs while a reporter types a ticket's title and description.
// "This solved it" posts a deflection: the ticket is not filed.
(function () {
  "use strict";
  var box = document.getElementById("kb-suggestions");
  var title = document.getElementById("id_title");
  var description = document.getElementById("id_description");
  if (!box || !title || !description) { return; }
  var list = document.getElementById("kb-suggestion-list");
  var subsystem = document.getElementById("id_subsystem");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var timer = null;
  var lastQuery = "";

  function query() {
    return (title.value + " " + description.value.slice(0, 200)).trim();
  }

  // The box sits inside the filing form, next to the description; the
  // "solved" forms live outside it (forms cannot nest), each button naming
  // its own form.
  var forms = document.createElement("div");
  forms.hidden = true;
  document.body.appendChild(forms);

  function solvedButton(item, q) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = box.dataset.deflectUrl;
    form.id = "kb-solved-" + item.id;
    var fields = { csrfmiddlewaretoken: csrf ? csrf.value : "", faq: item.id, q: q,
                   subsystem: subsystem ? subsystem.value : "" };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = fields[name];
      form.appendChild(input);
    });
    forms.appendChild(form);
    var button = document.createElement("button");
    button.className = "btn btn-sm btn-success mt-1 d-block";
    button.setAttribute("form", form.id);
    button.textContent = box.dataset.solvedLabel;
    return button;
  }

  function show(results, q) {
    list.replaceChildren();
    forms.replaceChildren();
    results.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "mb-2";
      var link = document.createElement("a");
      link.href = item.url; link.target = "_blank"; link.rel = "noopener";
      link.textContent = item.title;
      var snippet = document.createElement("div");
      snippet.className = "small text-muted";
      snippet.innerHTML = item.snippet;  // escaped by the server, only <mark> added
      li.append(link, snippet, solvedButton(item, q));
      list.appendChild(li);
    });
    box.classList.toggle("d-none", results.length === 0);
  }

  function lookup(final) {
    var q = query();
    if (q.length < 2 || (q === lastQuery && !final)) { return; }
    lastQuery = q;
    var url = box.dataset.suggestUrl + "?q=" + encodeURIComponent(q) + (final ? "&final=1" : "");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { show(data.results || [], q); })
      .catch(function () { /* suggestions are a help, never a blocker */ });
  }

  function later() { clearTimeout(timer); timer = setTimeout(function () { lookup(false); }, 400); }
  title.addEventListener("input", later);
  description.addEventListener("input", later);
  description.addEventListener("blur", function () { lookup(true); });
})();
