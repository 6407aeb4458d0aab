// The release composer's formatting buttons: each puts Markdown around the selected text
// (or a placeholder to type over) in the release's text, the way the release file writes it.
// Without this script the buttons stay hidden and the text is typed as it is.
// It also scales the preview's 800 px desktop frame down to the width of its pane, so the
// whole width shows without scrolling sideways; without it, the frame scrolls in its pane.
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

  // The desktop frame drawn smaller when the pane is narrower than it: its box takes the
  // scaled size, so the page lays out around what is seen.
  function fitDesktop() {
    document.querySelectorAll("figure.desktop .frame-box").forEach(function (box) {
      var frame = box.querySelector("iframe");
      var room = box.closest(".widths");
      if (!frame || !room) {
        return;
      }
      var width = Number(frame.getAttribute("width")) + 2; // and its border
      var height = Number(frame.getAttribute("height")) + 2;
      var scale = Math.min(1, room.clientWidth / width);
      frame.style.transform = scale < 1 ? "scale(" + scale + ")" : "";
      box.style.width = Math.floor(width * scale) + "px";
      box.style.height = Math.ceil(height * scale) + "px";
      var note = box.parentElement.querySelector(".scaled");
      if (note) {
        note.textContent = scale < 1 ? ", shown at " + Math.round(scale * 100) + "%" : "";
      }
    });
  }

  var preview = document.getElementById("preview");
  if (preview) {
    fitDesktop();
    if (window.ResizeObserver) {
      new ResizeObserver(fitDesktop).observe(preview);
    }
    document.body.addEventListener("htmx:afterSwap", fitDesktop);
    document.querySelectorAll("input[name=width]").forEach(function (choice) {
      choice.addEventListener("change", fitDesktop);
    });
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
