// Suggested articles while the requester types a subject (the portal's only script).
//
// Progressive enhancement: without JavaScript the "Check for answers first" button does the
// same on the server. Same-origin only (CSP script-src 'self', connect-src 'self'); no
// inline code. Article titles are set as text, never as HTML.
(function () {
  "use strict";
  var subject = document.getElementById("subject");
  var box = document.getElementById("live-suggestions");
  var list = document.getElementById("live-suggestions-list");
  var csrf = document.querySelector('form[action="/portal/new"] input[name="csrf"]');
  if (!subject || !box || !list || !csrf) {
    return;
  }
  var timer = null;
  var asked = "";

  function solvedForm(articleId) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/portal/solved";
    form.className = "inline";
    var fields = { csrf: csrf.value, article_id: articleId, subject: subject.value };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "secondary";
    button.textContent = "This solved it";
    form.appendChild(button);
    return form;
  }

  function show(articles) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    articles.forEach(function (article) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/portal/kb/" + encodeURIComponent(article.id);
      link.textContent = article.title;
      item.appendChild(link);
      item.appendChild(solvedForm(article.id));
      list.appendChild(item);
    });
    box.hidden = articles.length === 0;
  }

  function ask() {
    var text = subject.value.trim();
    if (text === asked) {
      return;
    }
    asked = text;
    if (text.length < 3) {
      show([]);
      return;
    }
    fetch("/portal/suggestions?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { articles: [] };
      })
      .then(function (body) {
        if (subject.value.trim() === text) {
          show(body.articles || []);
        }
      })
      .catch(function () {
        show([]);
      });
  }

  subject.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 250);
  });
})();
