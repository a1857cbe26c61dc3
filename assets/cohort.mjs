// Starts GOV.UK Frontend's components. Loaded as a module, so it runs only in modern browsers.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// A print button is shown only where it works: with this script running.
for (const button of document.querySelectorAll("[data-cohort-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
