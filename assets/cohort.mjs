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
const long = document.querySelectorAll("select[data-cohort-suggest]");
if (long.length) {
  await import("./accessible-autocomplete.min.js");
  for (const select of long) {
    const id = select.id;
    const described = select.getAttribute("aria-describedby");
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      // Over the page rather than in it, so the button below stays where it was when a click
      // on it closes the suggestions.
      displayMenu: "overlay",
      inputClasses: select.classList.contains("govuk-select--error") ? "govuk-input--error" : null,
      onConfirm: (chosen) => choose(select, chosen ?? document.getElementById(id).value),
    });
    const input = document.getElementById(id);
    if (described) keepDescribed(input, described.split(/\s+/));
    select.form?.addEventListener("submit", () => choose(select, input.value));
  }
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
