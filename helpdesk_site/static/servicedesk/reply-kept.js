// helpdesk's ticket page after a refused update: the reply form, with what
// was typed, is the tab in view.
(function () {
  const tab = document.getElementById("respond-tab");
  if (tab) tab.click();
})();
