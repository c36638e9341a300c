// Live filter for the department search on /appointments. The server does the real search (GET ?q=,
// pinyin-pro); this only hides non-matching rows as the resident types, using the keys the server
// put in data-keys: characters and initials (matched anywhere), and space-separated syllables
// (matched from the start of a syllable, so "ek" finds 儿科 "er ke" but not 医科 "yi ke").
(function () {
  var input = document.getElementById('q');
  var list = document.getElementById('dept-results');
  var status = document.getElementById('dept-count');
  if (!input || !list) return;
  var items = list.querySelectorAll('li[data-keys]');
  var groups = list.querySelectorAll('[data-group]');
  function norm(s) { return s.toLowerCase().replace(/\s+/g, '').replace(/ü/g, 'v'); }
  function keyMatches(key, q) {
    if (key.indexOf(' ') === -1) return key.indexOf(q) !== -1;
    var syllables = key.split(' ');
    for (var i = 0; i < syllables.length; i++) {
      if (syllables.slice(i).join('').indexOf(q) === 0) return true;
    }
    return false;
  }
  function run() {
    var q = norm(input.value);
    var shown = 0;
    items.forEach(function (li) {
      var hit = !q || li.getAttribute('data-keys').split('|').some(function (k) { return keyMatches(k, q); });
      li.hidden = !hit;
      if (hit) shown++;
    });
    groups.forEach(function (g) { g.hidden = g.querySelectorAll('li[data-keys]:not([hidden])').length === 0; });
    if (status) status.textContent = q ? (document.documentElement.lang === 'en' ? shown + ' departments' : '共 ' + shown + ' 个科室') : '';
  }
  input.addEventListener('input', run);
})();
