// Every other path renders the same header (the slot's page for "/" is ../page.tsx).
export { default } from "../page";
