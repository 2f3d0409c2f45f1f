// Behaviour shared by every page of the site, kept out of the HTML so that
// the Content-Security-Policy can forbid inline scripts and handlers.
