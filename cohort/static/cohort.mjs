// Starts GOV.UK Frontend's components. Loaded as a module, so it runs only in modern browsers.
import { initAll } from "./govuk-frontend.min.js";

initAll();
