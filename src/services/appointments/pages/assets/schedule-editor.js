// Live check of the session form on /appointments/admin: the share of tickets in the appointment
// pools (referral + appointment >= 80%, 西卫〔2019〕5号 第十条 (一)) and the slot times at the
// institution's required slot length (第十条 (四)). The server checks again on submit.
(function () {
  var form = document.getElementById('session-form');
  var out = document.getElementById('schedule-check');
  if (!form || !out) return;
  var en = document.documentElement.lang === 'en';
  var minutes = Number(form.getAttribute('data-slot-minutes')) || 60;
  function num(id) { var el = document.getElementById(id); var n = Number(el && el.value); return Number.isInteger(n) && n >= 0 ? n : NaN; }
  function hhmm(m) { return String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0'); }
  function run() {
    var count = num('count'), referral = num('referral'), appointment = num('appointment'), win = num('window');
    var share = out.querySelector('[data-share]');
    var meter = out.querySelector('meter');
    var verdict = out.querySelector('[data-share-verdict]');
    var slots = out.querySelector('[data-slots]');
    var total = referral + appointment + win;
    if ([count, referral, appointment, win].some(isNaN) || total === 0) {
      share.textContent = '—';
      out.querySelector('meter').value = 0;
      verdict.textContent = en ? 'Enter whole numbers' : '请填写整数';
      verdict.className = 'bad';
      return;
    }
    var pct = (referral + appointment) / total * 100;
    var ok = (referral + appointment) * 5 >= total * 4;
    share.textContent = pct.toFixed(1) + '%';
    meter.value = Math.min(100, pct);
    verdict.textContent = ok ? (en ? 'meets the 80% rule' : '符合不低于80%的要求') : (en ? 'below 80%: cannot be published' : '低于80%，不能发布');
    verdict.className = ok ? 'ok' : 'bad';
    var start = (document.getElementById('start') || {}).value || '';
    var m = /^(\d{1,2}):(\d{2})$/.exec(start);
    if (m && count >= 1 && count <= 48) {
      var s = Number(m[1]) * 60 + Number(m[2]);
      var parts = [];
      for (var i = 0; i < count; i++) parts.push(hhmm(s + i * minutes) + '–' + hhmm(s + (i + 1) * minutes));
      slots.textContent = parts.join('、');
    }
  }
  form.addEventListener('input', run);
  run();
})();
