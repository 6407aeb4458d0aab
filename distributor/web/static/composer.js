// The release composer's formatting buttons: each puts Markdown around the selected text
// (or a placeholder to type over) in the release's text, the way the release file writes it.
// Without this script the buttons stay hidden and the text is typed as it is.
(function () {
  "use strict";

  function lines(prefix) {
    return function (selected, fallback) {
      return (selected || fallback).split("\n").map(function (line) { return prefix + line; }).join("\n");
    };
  }

  // inline: around the selection; block: on lines of its own.
  var FORMATS = {
    bold: { inline: ["**", "**"], text: "bold text" },
    italic: { inline: ["_", "_"], text: "italic text" },
    link: { inline: ["[", "](https://)"], text: "the link's words" },
    heading: { block: lines("## "), text: "A heading" },
    list: { block: lines("- "), text: "A point\nAnother point" },
    quote: {
      block: function (selected, fallback) {
        return lines("> ")(selected, fallback) + "\n— Name, role";
      },
      text: "What they said."
    },
    table: {
      block: function () {
        return "| Column | Column |\n| --- | --- |\n| Cell | Cell |";
      },
      text: ""
    }
  };

  function insert(area, text, start, end) {
    area.focus();
    area.setSelectionRange(start, end);
    // insertText keeps the browser's undo; setRangeText where it is not supported.
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      area.setRangeText(text, start, end, "end");
    }
  }

  function apply(area, format) {
    var start = area.selectionStart;
    var end = area.selectionEnd;
    var selected = area.value.slice(start, end);
    if (format.inline) {
      var words = selected || format.text;
      insert(area, format.inline[0] + words + format.inline[1], start, end);
      var from = start + format.inline[0].length;
      area.setSelectionRange(from, from + words.length);
      return;
    }
    var before = area.value.slice(0, start);
    var gap = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var block = format.block(selected, format.text);
    insert(area, gap + block + "\n\n", start, end);
  }

  document.querySelectorAll("[data-format-for]").forEach(function (bar) {
    var area = document.getElementById(bar.getAttribute("data-format-for"));
    if (!area) {
      return;
    }
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-format]");
      if (!button || !FORMATS[button.getAttribute("data-format")]) {
        return;
      }
      apply(area, FORMATS[button.getAttribute("data-format")]);
      // The preview follows, as it does for typing.
      area.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
