// Starts GOV.UK Frontend's components. Loaded as a module, so it runs only in modern browsers.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// A print button is shown only where it works: with this script running.
for (const button of document.querySelectorAll("[data-cohort-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// A long list of choices (a time zone among hundreds, a cohort among a national programme's)
// is typed into: the select becomes GOV.UK's accessible autocomplete, which suggests the
// choices holding what was typed. The select stays in the form and is what is sent; without
// this script it is shown as it is.
//
// The select's empty choice ("Any cohort", "No cohort", "The site's time zone (...)") is a
// choice like the others: it is suggested for what its label holds ("any", "No c"), and it
// is what an empty box suggests, alone. So a box emptied, clicked or spaced into while empty,
// or the down arrow pressed in it, shows the one choice there is besides typing a name, and
// the status tells a screen reader's user "1 result is available". The library's
// showAllValues gives that opening; the whole list is not shown, nor its arrow, which could
// not be pressed and would promise a list of hundreds to scroll through.
const long = document.querySelectorAll("select[data-cohort-suggest]");
if (long.length) {
  await import("./accessible-autocomplete.min.js");
  for (const select of long) {
    const id = select.id;
    const described = select.getAttribute("aria-describedby");
    const choices = [...select.options].filter((option) => !("typed" in option.dataset));
    const empty = choices.find((option) => option.value === "");
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      source: suggest(choices.map((option) => option.textContent.trim()), empty?.textContent.trim()),
      showAllValues: empty !== undefined,
      dropdownArrow: () => null,
      // Over the page rather than in it, so the button below stays where it was when a click
      // on it closes the suggestions.
      displayMenu: "overlay",
      inputClasses: select.classList.contains("govuk-select--error") ? "govuk-input--error" : null,
      // The library writes a suggestion as HTML: a title is text, whatever it holds.
      templates: { suggestion: asText },
      onConfirm: (chosen) => choose(select, chosen ?? document.getElementById(id).value),
    });
    const input = document.getElementById(id);
    if (described) keepDescribed(input, described.split(/\s+/));
    hideCompletion(input.closest(".autocomplete__wrapper"));
    select.form?.addEventListener("submit", () => choose(select, input.value));
  }
}

// The label as HTML that shows it as it is ("<b>" stays those three characters).
function asText(label) {
  const span = document.createElement("span");
  span.textContent = label ?? "";
  return span.innerHTML;
}

// The choices whose label holds the text typed, in the list's order, the empty choice among
// them; for no text, the empty choice alone. A value the server refused is in the select, to
// be shown as it was sent, but is none of the choices: it is not suggested.
function suggest(labels, emptyLabel) {
  return (query, show) => {
    const typed = query.toLowerCase();
    show(typed === ""
      ? [emptyLabel].filter((label) => label !== undefined)
      : labels.filter((label) => label.toLowerCase().includes(typed)));
  };
}

// The box is described by the select's hint and error message, as the select was: the
// autocomplete sets its own description on each change, so the select's is put back first.
function keepDescribed(input, ids) {
  const keep = () => {
    const now = (input.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
    const wanted = [...new Set([...ids, ...now])].join(" ");
    if (wanted !== now.join(" ")) input.setAttribute("aria-describedby", wanted);
  };
  keep();
  new MutationObserver(keep).observe(input, { attributeFilter: ["aria-describedby"] });
}

// The grey completion the library shows behind the box (the rest of the first suggestion's
// name, or the empty choice's in an empty box) is a second, unlabelled box repeating what the
// suggestions and their status say: it is hidden from assistive technology.
function hideCompletion(wrapper) {
  const hide = () => {
    for (const completion of wrapper.querySelectorAll(".autocomplete__hint:not([aria-hidden])")) {
      completion.setAttribute("aria-hidden", "true");
    }
  };
  hide();
  new MutationObserver(hide).observe(wrapper, { childList: true, subtree: true });
}

// Selects the option named `text`. Text that names none is sent as it was typed, so the
// server refuses it with its own message ("Choose a cohort from the list"), rather than the
// form going with the option chosen before or with "any": an empty box chooses the empty
// option where there is one.
function choose(select, text) {
  const typed = (text ?? "").trim();
  const options = [...select.options].filter((option) => !("typed" in option.dataset));
  const named = options.find((option) => option.textContent.trim() === typed)
    ?? (typed === "" ? options.find((option) => option.value === "") : undefined);
  select.querySelector("option[data-typed]")?.remove();
  if (named) {
    named.selected = true;
    return;
  }
  const option = new Option(typed, typed, true, true);
  option.dataset.typed = "";
  select.append(option);
}
