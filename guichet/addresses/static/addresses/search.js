/* Guichet — address autocomplete (ARIA 1.2 combobox with a listbox) and copy buttons.
 * Progressive enhancement: without this script the search form posts the typed text, and
 * references stay selectable text. No dependency, no build. */
(function () {
  "use strict";

  var DELAY = 200; // ms of quiet typing before asking for suggestions
  var MIN_LENGTH = 3;

  // Messages come from the page (translated there): data-msg-* with {n}, {label}, {value}.
  function message(element, name, values) {
    var text = (element && element.dataset["msg" + name]) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  function say(status, text) {
    if (!status) return;
    // Emptied first so that the same message is announced again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function Combobox(input) {
    this.input = input;
    this.listbox = document.getElementById(input.dataset.listbox);
    this.status = document.getElementById(input.dataset.status);
    this.key = document.getElementById(input.dataset.key);
    this.url = input.dataset.suggestUrl;
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.lastQuery = null;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.listbox.id);

    var self = this;
    input.addEventListener("input", function () { self.onInput(); });
    input.addEventListener("keydown", function (event) { self.onKeydown(event); });
    input.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 150);
    });
    // Keep the focus in the field while an option is clicked.
    this.listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) self.pick(Number(option.dataset.index));
    });
  }

  Combobox.prototype.onInput = function () {
    // The text changed: a previously picked address no longer applies.
    if (this.key) this.key.value = "";
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.fetch(); }, DELAY);
  };

  Combobox.prototype.fetch = function () {
    var text = this.input.value.trim();
    if (text.length < MIN_LENGTH) {
      this.lastQuery = null;
      this.render([]);
      return;
    }
    if (text === this.lastQuery) return;
    this.lastQuery = text;
    if (this.request) this.request.abort();
    var controller = new AbortController();
    this.request = controller;
    var self = this;
    fetch(this.url + "?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller.signal
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (self.input.value.trim() !== text) return; // typed on meanwhile
        self.render(data.suggestions || []);
        if (data.code) say(self.status, data.message + " (" + data.code + ")");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") self.render([]);
      });
  };

  Combobox.prototype.render = function (suggestions) {
    this.listbox.textContent = "";
    this.options = suggestions;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    var self = this;
    suggestions.forEach(function (suggestion, index) {
      var option = document.createElement("li");
      option.id = self.listbox.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      option.textContent = suggestion.label;
      if (suggestion.kind === "street") {
        var hint = document.createElement("span");
        hint.className = "suggestion-hint";
        hint.textContent = " — " + message(self.input, "Street", {});
        option.appendChild(hint);
      }
      self.listbox.appendChild(option);
    });
    if (suggestions.length) {
      this.open();
      say(this.status, message(this.input, suggestions.length === 1 ? "One" : "Many",
        { n: suggestions.length }));
    } else {
      this.close();
      if (this.input.value.trim().length >= MIN_LENGTH) say(this.status, message(this.input, "None", {}));
    }
  };

  Combobox.prototype.isOpen = function () {
    return this.input.getAttribute("aria-expanded") === "true";
  };

  Combobox.prototype.open = function () {
    if (!this.options.length) return;
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.setActive(-1);
  };

  Combobox.prototype.setActive = function (index) {
    var items = this.listbox.querySelectorAll("[role=option]");
    items.forEach(function (item) { item.setAttribute("aria-selected", "false"); });
    this.active = index;
    if (index < 0 || index >= items.length) {
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    var item = items[index];
    item.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({ block: "nearest" });
  };

  Combobox.prototype.move = function (step) {
    if (!this.options.length) return;
    if (!this.isOpen()) this.open();
    var count = this.options.length;
    var next = this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
    this.setActive(next);
  };

  Combobox.prototype.pick = function (index) {
    var suggestion = this.options[index];
    if (!suggestion) return;
    this.input.value = suggestion.label;
    this.lastQuery = suggestion.label;
    if (this.key) this.key.value = suggestion.id || "";
    this.close();
    this.input.focus();
    if (suggestion.kind === "street") {
      say(this.status, message(this.input, "PickedStreet", { label: suggestion.label }));
      this.input.setSelectionRange(0, 0);
    } else {
      say(this.status, message(this.input, "Picked", { label: suggestion.label }));
    }
  };

  Combobox.prototype.onKeydown = function (event) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (event.altKey) { this.open(); return; }
        this.move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        this.move(-1);
        break;
      case "Enter":
        if (this.isOpen() && this.active >= 0) {
          event.preventDefault(); // choosing is not submitting: the next Enter submits
          this.pick(this.active);
        }
        break;
      case "Escape":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  // --- Copy buttons -------------------------------------------------------------------------

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function legacyCopy(element) {
    selectText(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function initCopy(button) {
    var status = document.getElementById("copy-status");
    var code = button.parentNode.querySelector("code");
    var label = button.firstChild.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var value = button.dataset.copy;
      var done = function () {
        say(status, message(status, "Copied", { value: value }));
        button.firstChild.textContent = message(status, "Done", {});
        window.setTimeout(function () { button.firstChild.textContent = label; }, 2000);
      };
      var fallback = function () {
        if (legacyCopy(code)) {
          done();
        } else {
          // Last resort: the text is selected, the person copies it themself.
          say(status, message(status, "Selected", { value: value }));
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(value).then(done, fallback);
      } else {
        fallback();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(function (input) {
      new Combobox(input);
    });
    document.querySelectorAll("button[data-copy]").forEach(initCopy);
  });
})();
