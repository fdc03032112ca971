# pvara کے الفاظ، اردو میں۔ en.ftl کا ترجمہ: ہر id وہی ہے، صرف متن بدلتا ہے۔
# Translators: keep every id and every { $variable } as it is; change only the text after "=".
# Plain, official register (سرکاری مگر سادہ): "آپ" throughout, no Persianised jargon where a
# common word serves. Reviewed by: nobody yet (see the README's "Urdu" section).

## The frame of every page

service-name = بھرتی
skip-to-content = مرکزی مواد پر جائیں
nav-menu = فہرست
nav-jobs = ملازمتیں
nav-workspace = دفتر
nav-interviews = میرے انٹرویو
nav-applications = میری درخواستیں
nav-staff-accounts = عملے کے اکاؤنٹ
nav-system = نظام
nav-account = آپ کا اکاؤنٹ
nav-sign-out = سائن آؤٹ کریں
nav-sign-in = سائن ان کریں
nav-register = اکاؤنٹ بنائیں
language-switch = زبان
footer-support = مدد کے روابط
footer-help = مدد اور رابطہ
footer-privacy = رازداری
footer-cookies = کوکیز
footer-accessibility = رسائی کا بیان
footer-feedback = رائے دیں
footer-about = pvara، بھرتی کا ایک اوپن سورس نظام۔
error-prefix = غلطی:
error-summary-title = ایک مسئلہ ہے
optional = اختیاری

## Pages that cannot be shown

error-not-found = صفحہ نہیں ملا
error-not-found-text = اگر آپ نے ویب پتہ خود لکھا ہے تو دیکھ لیں کہ وہ درست ہے۔
error-forbidden = آپ یہ صفحہ نہیں دیکھ سکتے
error-forbidden-text = آپ کے اکاؤنٹ کو اس صفحے تک رسائی حاصل نہیں۔
error-csrf = اس فارم کی مدت ختم ہو گئی ہے
error-csrf-text = پیچھے جائیں، صفحہ دوبارہ کھولیں اور پھر کوشش کریں۔
error-refused = یہ کام نہیں ہو سکا
error-unavailable = معذرت، یہ سروس اس وقت دستیاب نہیں
error-unavailable-text = چند منٹ بعد دوبارہ کوشش کریں۔
error-internal = معذرت، سروس میں ایک خرابی ہے
error-internal-text = کچھ دیر بعد دوبارہ کوشش کریں۔
error-home = ملازمتوں کی فہرست پر جائیں

## Form fields

field-full-name = پورا نام
field-email = ای میل
field-password = پاس ورڈ
field-phone = فون
field-skills = مہارتیں
field-years = تجربے کے سال
field-education = تعلیم
field-cv = سی وی
field-cv-text = سی وی کا متن
field-cover-letter = تعارفی خط
field-privacy-notice = رازداری کا نوٹس
field-job = ملازمت
field-equality = مساوات کی نگرانی:

## What is wrong with a form's answer (after the field's name)

problem-required = اپنا { $field } درج کریں
problem-cv-missing = اپنی سی وی اپ لوڈ کریں یا اس کا متن "سی وی کا متن" میں لکھیں
problem-cv-again = اپنی سی وی کی فائل دوبارہ منتخب کریں: اسے محفوظ نہیں رکھا جا سکا
problem-read-little = ہم آپ کی سی وی کی فائل ({ $pages } صفحات) سے صرف { $words } الفاظ پڑھ سکے: "سی وی کا متن" میں دیکھ لیں کہ ہم نے کیا پڑھا، جو کمی ہو وہ پوری کریں، اور آگے بڑھیں
problem-whole-number = { $field } ایک مکمل عدد ہونا چاہیے، جیسے 12
problem-sign-in = درست ای میل پتہ اور پاس ورڈ درج کریں
problem-years-blank = اپنے تجربے کے سال عدد میں درج کریں (اگر تجربہ نہیں تو 0)
problem-number = { $field } ایک عدد ہونا چاہیے
problem-generic = { $field }: { $message }

## The job board

jobs-heading = ملازمتیں
jobs-search = ملازمتیں تلاش کریں
jobs-location = مقام
jobs-search-button = تلاش کریں
jobs-count = { $count ->
    [one] 1 ملازمت کھلی ہے
   *[other] { $count } ملازمتیں کھلی ہیں
}
jobs-closes = آخری تاریخ { $date }
jobs-pages = ملازمتوں کے صفحات
page-previous = پچھلا صفحہ
page-next = اگلا صفحہ
job-anywhere = کہیں بھی
job-posts = { $count ->
    [one] 1 آسامی
   *[other] { $count } آسامیاں
}

## A job

job-all = تمام ملازمتیں
job-location = مقام
job-vacancies = آسامیاں
job-closing = آخری تاریخ
job-open-until-filled = آسامی پُر ہونے تک کھلی ہے
job-required = لازمی مہارتیں
job-preferred = ترجیحی مہارتیں
job-experience = تجربہ
job-at-least = کم از کم { $years ->
    [one] 1 سال
   *[other] { $years } سال
}
job-education = تعلیم
job-none = کوئی نہیں
job-about = ملازمت کے بارے میں
job-applied-on = آپ نے اس ملازمت کے لیے { $date } کو درخواست دی۔
job-see-application = اپنی درخواست دیکھیں
job-before = شروع کرنے سے پہلے
job-takes = درخواست دینے میں تقریباً 10 منٹ لگتے ہیں۔ آپ کو ان چیزوں کی ضرورت ہو گی:
job-need-account = تصدیق شدہ ای میل پتے والا اکاؤنٹ (یہ آپ راستے میں بنا سکتے ہیں)
job-need-cv = آپ کی سی وی، 5 MB تک کی PDF، Word (DOCX) یا ٹیکسٹ فائل کی صورت میں، یا اس کا متن
job-need-details = آپ کی مہارتیں، تجربے کے سال اور اعلیٰ ترین تعلیم
job-once = آپ ہر ملازمت کے لیے ایک بار درخواست دے سکتے ہیں، اور حتمی فیصلے سے پہلے کسی بھی وقت اسے واپس لے سکتے ہیں۔
job-apply = درخواست دیں
job-closed = یہ ملازمت بند ہو چکی ہے اور اب درخواستیں قبول نہیں کرتی۔
job-gone = ایسی ملازمت جس کا اشتہار اب نہیں ہے

## Levels of education

education-none = کوئی باقاعدہ تعلیمی سند نہیں
education-highschool = میٹرک یا انٹرمیڈیٹ
education-diploma = ڈپلومہ یا ایسوسی ایٹ ڈگری
education-bachelor = بیچلر ڈگری
education-master = ماسٹر ڈگری
education-doctorate = ڈاکٹریٹ

## The application form

apply-title = درخواست: { $job }
apply-back = ملازمت پر واپس جائیں
apply-heading = اس ملازمت کے لیے درخواست دیں
apply-write-to = ہم آپ کو آپ کے اکاؤنٹ کے پتے { $email } پر لکھیں گے۔
apply-skills-hint = مہارتوں کو کاما سے الگ کریں، مثلاً: Rust, PostgreSQL, Kafka
apply-cv-hint = 5 MB تک کی PDF، Word (DOCX) یا سادہ ٹیکسٹ فائل۔ یا اپنی سی وی نیچے "سی وی کا متن" میں لکھ دیں۔
apply-cv-text-hint = اگر آپ نے فائل اپ لوڈ کر دی ہے تو اس کی ضرورت نہیں
apply-equality = مساوات کی نگرانی (اختیاری)
apply-equality-voluntary = ان سوالات کا جواب دینا آپ کی مرضی پر ہے، اور جواب دینے یا نہ دینے سے آپ کی درخواست پر کوئی فرق نہیں پڑتا۔
apply-equality-apart = آپ کے جوابات درخواست سے الگ رکھے جاتے ہیں: بھرتی کرنے والے انہیں کبھی نہیں دیکھتے، جانچ کا نظام انہیں کبھی نہیں پڑھتا، اور انہیں صرف دوسرے امیدواروں کے جوابات کے ساتھ ملا کر گنا جاتا ہے تاکہ دیکھا جا سکے کہ ہمارا انتخاب ہر گروہ سے منصفانہ سلوک کرتا ہے۔ اگر آپ اپنا اکاؤنٹ ختم کریں تو یہ جوابات بھی حذف ہو جاتے ہیں۔
apply-prefer-not = بتانا نہیں چاہتے
apply-your-data = آپ کا ڈیٹا
apply-privacy-hint = رازداری کے نوٹس میں لکھا ہے کہ ہم کیا رکھتے ہیں، اسے کون دیکھتا ہے، کتنی دیر تک، اور آپ کے حقوق کیا ہیں۔
apply-privacy-link = رازداری کا نوٹس پڑھیں (نئے ٹیب میں کھلتا ہے)
apply-accept = میں رازداری کا نوٹس قبول کرتا / کرتی ہوں
apply-continue = جاری رکھیں
apply-cv-kept = آپ کی فائل { $file } ہمارے پاس محفوظ ہے۔ اسے بدلنا ہو تو ہی دوسری فائل منتخب کریں۔
check-title = درخواست بھیجنے سے پہلے اپنے جوابات دیکھ لیں
check-back = فارم پر واپس جائیں
check-application = آپ کی درخواست
check-change = تبدیل کریں
check-not-given = نہیں دیا گیا
check-cv-file = { $file } ({ $words } الفاظ پڑھے گئے)
check-cv-pasted = لکھا گیا متن ({ $words } الفاظ)
check-privacy-accepted = آپ رازداری کا نوٹس قبول کرتے ہیں
check-send-heading = اب اپنی درخواست بھیجیں
check-send-text = یہ درخواست بھیج کر آپ تصدیق کرتے ہیں کہ آپ کے علم کے مطابق دی گئی تفصیلات درست ہیں۔
check-send = قبول کریں اور بھیجیں

## After applying

applied-title = درخواست جمع ہو گئی
applied-reference = آپ کا حوالہ نمبر
applied-next = آگے کیا ہو گا
applied-sent = ہم نے { $email } پر تصدیقی ای میل بھیج دی ہے۔
applied-assessed = { $job } کے لیے آپ کی درخواست چند منٹ میں ملازمت کی شرائط کے مطابق جانچی جاتی ہے؛ پھر بھرتی کرنے والے بہترین امیدواروں کو آن لائن ٹیسٹ کے لیے بلاتے ہیں۔
applied-every-step = ہر مرحلے پر ہم آپ کو ای میل کریں گے۔
applied-follow = اپنی درخواست کی پیش رفت دیکھیں

## Signing in and registering

login-heading = سائن ان کریں
login-forgotten = پاس ورڈ بھول گئے؟
login-new-here = یہاں نئے ہیں؟
register-password-hint = کم از کم 10 حروف، جن میں حروفِ تہجی کے ساتھ ہندسے یا علامات ہوں
register-button = اکاؤنٹ بنائیں
register-have-account = کیا آپ کا اکاؤنٹ پہلے سے موجود ہے؟
sent-heading = اپنی ای میل دیکھیں
sent-to-address = ہم نے آپ کے دیے ہوئے پتے پر ایک پیغام بھیجا ہے۔
sent-confirm-link = اگر یہ پتہ یہاں نیا ہے تو پیغام میں دیے گئے لنک سے اس کی تصدیق کریں، پھر سائن ان کریں۔ لنک 48 گھنٹے تک کام کرتا ہے۔
sent-ready = اگر یہ پتہ یہاں نیا ہے تو آپ کا اکاؤنٹ تیار ہے: آپ ابھی سائن ان کر سکتے ہیں۔
sent-known = اگر اس پتے کا اکاؤنٹ پہلے سے موجود ہے تو پیغام میں یہی لکھا ہو گا اور یہ بھی کہ سائن ان کیسے کریں۔
sent-nothing = چند منٹ بعد بھی پیغام نہیں آیا؟ اپنا اسپام فولڈر دیکھیں، یا درست پتے کے ساتھ اکاؤنٹ دوبارہ بنائیں۔
sent-again = اکاؤنٹ دوبارہ بنائیں

## The candidate's applications

mine-none = آپ نے ابھی تک کسی ملازمت کے لیے درخواست نہیں دی۔
mine-find = ملازمت تلاش کریں
mine-caption = آپ کی درخواستیں
mine-job = ملازمت
mine-reference = حوالہ
mine-status = صورتِ حال
mine-submitted = جمع کرانے کی تاریخ
mine-your-data = آپ کا ڈیٹا
mine-data-text = ہمارے پاس آپ کے بارے میں جو کچھ ہے، پڑھنے، چھاپنے یا ڈاؤن لوڈ کرنے کے لیے۔
mine-see-data = اپنا ڈیٹا دیکھیں
mine-delete = اپنا اکاؤنٹ ختم کریں
mine-delete-text = اس سے آپ کی ہر درخواست میں سے آپ کا نام، رابطے کی تفصیلات، سی ویز اور تعارفی خطوط، اور ہماری بھیجی ہوئی ای میلز مٹا دی جاتی ہیں۔ اس کے بعد بھرتی کرنے والے آپ کی درخواستوں پر غور نہیں کر سکیں گے۔ یہ عمل واپس نہیں ہو سکتا۔
mine-delete-button = میرا اکاؤنٹ ختم کریں
own-title = { $job } کے لیے درخواست
own-reference = حوالہ { $reference }
own-accept = پیشکش قبول کریں
own-decline = پیشکش مسترد کریں
own-assessed = آپ کی درخواست کیسے جانچی گئی
own-timeline = تاریخ وار تفصیل
own-withdraw = درخواست واپس لیں
own-withdraw-text = اگر آپ کو یہ ملازمت اب نہیں چاہیے تو آپ اپنی درخواست واپس لے سکتے ہیں۔ یہ عمل واپس نہیں ہو سکتا۔
own-withdraw-button = درخواست واپس لیں
status-label = صورتِ حال:
status-polling = آپ کی درخواست جانچی جا رہی ہے۔ یہ صفحہ خود بخود تازہ ہوتا ہے۔

## Where an application stands

status-submitted = جمع ہو گئی
status-under-review = زیرِ غور
status-scoring-failed = بھرتی کرنے والے کی منتظر
status-test-invited = ٹیسٹ کی دعوت
status-interview-scheduled = انٹرویو طے ہے
status-offer-extended = ملازمت کی پیشکش
status-rejected = کامیاب نہیں ہوئی
status-withdrawn = واپس لے لی گئی
status-offer-accepted = پیشکش قبول
status-offer-declined = پیشکش مسترد
status-offer-withdrawn = پیشکش واپس لے لی گئی
status-offer-expired = پیشکش کی مدت ختم
status-hired = ملازمت مل گئی

## What happens next, per status

next-submitted = ہم آپ کی درخواست جانچ رہے ہیں۔ اس میں عام طور پر چند منٹ لگتے ہیں۔
next-under-review = بھرتی کرنے والے درخواستوں کا جائزہ لے رہے ہیں۔ آپ کی درخواست کا فیصلہ ہوتے ہی ہم آپ کو ای میل کریں گے۔
next-scoring-failed = ہم آپ کی درخواست خودکار طور پر نہیں جانچ سکے؛ بھرتی کرنے والا اسے خود دیکھے گا۔
next-test-invited = آخری تاریخ سے پہلے آن لائن ٹیسٹ دیں۔ نتیجہ ہم آپ کو ای میل کریں گے۔
next-interview-scheduled = نیچے دیے گئے وقت اور جگہ پر انٹرویو کے لیے آئیں۔ کچھ بھی بدلا تو ہم آپ کو ای میل کریں گے۔
next-offer-extended = پیشکش کی مدت ختم ہونے سے پہلے اسے قبول یا مسترد کریں۔
next-offer-accepted = پیشکش قبول کرنے کا شکریہ۔ ہم آپ کے کام کے پہلے دن کی تصدیق کریں گے۔
next-hired = خوش آمدید۔ آپ کے کام کا پہلا دن نیچے درج ہے۔
next-offer-declined = آپ نے پیشکش مسترد کر دی۔ ہماری دوسری آسامیوں کے لیے آپ درخواست دے سکتے ہیں۔
next-offer-withdrawn = پیشکش واپس لے لی گئی؛ اس کی وجہ نیچے تاریخ وار تفصیل میں ہے۔
next-offer-expired = پیشکش کا جواب دیے جانے سے پہلے اس کی مدت ختم ہو گئی۔ اگر آپ اب بھی یہ ملازمت چاہتے ہیں تو بھرتی کرنے والے سے رابطہ کریں۔
next-rejected = یہ درخواست کامیاب نہیں ہوئی؛ اس کی وجہ نیچے تاریخ وار تفصیل میں ہے۔
next-withdrawn = آپ نے یہ درخواست واپس لے لی۔ مزید کچھ کرنے کی ضرورت نہیں۔

## The current step's details

step-test = آن لائن ٹیسٹ
step-test-by = مکمل کرنے کی آخری تاریخ
step-interview = انٹرویو
step-place = جگہ
step-panel = پینل
step-round = مرحلہ
step-round-number = مرحلہ { $round }
step-salary = تنخواہ
step-start = آغاز کی تاریخ
step-answer-by = جواب دینے کی آخری تاریخ
step-first-day = کام کا پہلا دن

## Mail

mail-hours = { $count ->
    [one] 1 گھنٹے
   *[other] { $count } گھنٹے
}
mail-minutes = { $count ->
    [one] 1 منٹ
   *[other] { $count } منٹ
}

## A rule's words, after the field's name (see en.ftl).

rule-must-not-be-empty = خالی نہیں ہونا چاہیے
rule-must-be-at-most-n-characters = زیادہ سے زیادہ { $n1 } حروف کا ہونا چاہیے
rule-must-be-at-least-n-characters = کم از کم { $n1 } حروف کا ہونا چاہیے
rule-must-be-an-e-mail-address-like-name-example-org = name@example.org جیسا ای میل پتہ ہونا چاہیے
rule-must-not-contain-control-characters = میں کنٹرول حروف نہیں ہونے چاہییں
rule-must-mix-letters-with-digits-or-symbols = میں حروفِ تہجی کے ساتھ ہندسے یا علامات بھی ہونی چاہییں
rule-is-too-easy-to-guess-a-few-unrelated-words-and-a-number-make-a-strong-one = آسانی سے بوجھا جا سکتا ہے؛ چند غیر متعلق الفاظ اور ایک عدد سے مضبوط پاس ورڈ بنتا ہے
rule-may-contain-digits-spaces-and-only = میں صرف ہندسے، خالی جگہ اور + - ( ) ہو سکتے ہیں
rule-must-list-at-least-one-skill = میں کم از کم ایک مہارت درج ہونی چاہیے
rule-must-be-between-n-and-n = { $n1 } اور { $n2 } کے درمیان ہونا چاہیے
rule-must-be-accepted-to-apply-the-privacy-notice-says-how-your-data-is-used = قبول کیے بغیر درخواست نہیں دی جا سکتی: رازداری کے نوٹس میں لکھا ہے کہ آپ کا ڈیٹا کیسے استعمال ہوتا ہے

## Account settings, confirming an address, resetting a password

back = واپس
continue = جاری رکھیں
warning-prefix = انتباہ
banner-success = کامیابی
browse-jobs = ملازمتیں دیکھیں
get-new-link = نیا لنک حاصل کریں
field-current-password = موجودہ پاس ورڈ
field-new-password = نیا پاس ورڈ
field-link = لنک
field-reason = وجہ
settings-name = نام
settings-email = ای میل پتہ
settings-password = پاس ورڈ
settings-change = تبدیل کریں
settings-your-name = اپنا نام
settings-your-email = اپنا ای میل پتہ
settings-your-password = اپنا پاس ورڈ
settings-password-hidden = آپ کی حفاظت کے لیے چھپایا گیا ہے
settings-kept-names = جو درخواستیں آپ دے چکے ہیں ان پر وہی نام رہتا ہے جو آپ نے ان میں لکھا تھا۔
settings-name-heading = اپنا نام تبدیل کریں
settings-name-save = اپنا نام محفوظ کریں
settings-name-changed = آپ کا نام تبدیل ہو گیا ہے
settings-password-heading = اپنا پاس ورڈ تبدیل کریں
settings-password-stay = آپ یہاں سائن ان رہیں گے اور باقی تمام آلات پر سائن آؤٹ ہو جائیں گے۔
settings-password-hint = کم از کم 10 حروف۔ چند غیر متعلق الفاظ سے ایسا مضبوط پاس ورڈ بنتا ہے جو یاد رکھنا آسان ہو۔
settings-password-changed = آپ کا پاس ورڈ تبدیل ہو گیا ہے۔ باقی ہر جگہ آپ سائن آؤٹ ہو گئے ہیں۔
confirm-email-heading = اپنے ای میل پتے کی تصدیق کریں
confirm-email-done-heading = آپ کے ای میل پتے کی تصدیق ہو گئی ہے
confirm-email-write-to = ہم آپ کو { $email } پر لکھیں گے۔
confirm-email-sent-new = ہم نے آپ کو نیا لنک بھیج دیا ہے
confirm-email-sent-to = ہم نے { $email } پر ایک لنک بھیجا ہے۔ اس لنک پر جا کر تصدیق کریں کہ یہ پتہ آپ کا ہے: تصدیق کے بعد آپ ملازمتوں کے لیے درخواست دے سکتے ہیں۔
confirm-email-48 = لنک 48 گھنٹے تک کام کرتا ہے۔ اگر ای میل نہ ملے تو اپنا اسپام یا جنک فولڈر دیکھیں۔
confirm-email-again = لنک دوبارہ بھیجیں
verify-done = ای میل پتے کی تصدیق ہو گئی
verify-can-apply = اب آپ ملازمتوں کے لیے درخواست دے سکتے ہیں۔
verify-sign-in-apply = اب آپ سائن ان کر کے ملازمتوں کے لیے درخواست دے سکتے ہیں۔
verify-why = تصدیق کریں کہ یہ پتہ آپ کا ہے، تاکہ ہم آپ کو آپ کی درخواستوں کے بارے میں لکھ سکیں۔
verify-button = میرے ای میل پتے کی تصدیق کریں
verify-ask-new = سائن ان کریں اور اپنے اکاؤنٹ کے صفحے سے نیا لنک منگوائیں۔
reset-heading = اپنا پاس ورڈ دوبارہ بنائیں
reset-sent = اگر { $email } کسی اکاؤنٹ کا پتہ ہے تو ہم نے اس پر ایک لنک بھیج دیا ہے۔ نیا پاس ورڈ چننے کے لیے اس لنک پر جائیں۔ یہ ایک گھنٹے تک کام کرتا ہے۔
reset-back = سائن ان پر واپس جائیں
reset-enter = اپنے اکاؤنٹ کا ای میل پتہ درج کریں۔ ہم آپ کو نیا پاس ورڈ چننے کا لنک بھیجیں گے۔
reset-send = مجھے لنک بھیجیں
reset-done = پاس ورڈ تبدیل ہو گیا
reset-choose = نیا پاس ورڈ چنیں
reset-signed-out = آپ ہر جگہ سے سائن آؤٹ ہو گئے ہیں۔
reset-sign-in-new = نئے پاس ورڈ سے سائن ان کریں
reset-hint = کم از کم 10 حروف۔ چند غیر متعلق الفاظ سے مضبوط پاس ورڈ بنتا ہے۔
reset-change = پاس ورڈ تبدیل کریں
deleted-heading = آپ کا اکاؤنٹ ختم کر دیا گیا ہے
deleted-text = ہم نے آپ کی ہر درخواست میں سے آپ کا نام، رابطے کی تفصیلات، سی ویز اور تعارفی خطوط، اور ہماری بھیجی ہوئی ای میلز مٹا دی ہیں۔ آپ سائن آؤٹ ہو گئے ہیں۔
deleted-welcome = آپ نئے اکاؤنٹ کے ساتھ دوبارہ درخواست دے سکتے ہیں۔

## Answering an offer, and "Are you sure?"

offer-accept-title = { $job } کی پیشکش قبول کریں
offer-decline-title = { $job } کی پیشکش مسترد کریں
offer-back = اپنی درخواست پر واپس جائیں
offer-accept-heading = پیشکش قبول کریں
offer-decline-heading = پیشکش مسترد کریں
offer-accept-text = پیشکش قبول کر کے آپ ہمیں بتاتے ہیں کہ آپ ان شرائط پر یہ ملازمت اختیار کریں گے۔ اس کے بعد ہم آپ کے کام کے پہلے دن کی تصدیق کریں گے۔
offer-accept-yes = جی ہاں، پیشکش قبول کریں
offer-decline-warning = ایک بار مسترد کرنے کے بعد یہ پیشکش بعد میں قبول نہیں کی جا سکتی۔
offer-decline-why = آپ پیشکش کیوں مسترد کر رہے ہیں؟ (اختیاری)
offer-decline-hint = اس سے ہمیں بہتری میں مدد ملتی ہے؛ آپ کی کسی دوسری درخواست پر اس کا کوئی اثر نہیں پڑتا
offer-decline-yes = جی ہاں، پیشکش مسترد کریں
offer-no = نہیں، واپس جائیں
withdraw-heading = کیا آپ { $job } کے لیے اپنی درخواست واپس لینا چاہتے ہیں؟
withdraw-text = بھرتی کرنے والے اس پر مزید غور نہیں کریں گے، اور یہ عمل واپس نہیں ہو سکتا۔
withdraw-interview = آپ کا انٹرویو منسوخ ہو جائے گا۔
withdraw-yes = جی ہاں، میری درخواست واپس لیں
withdraw-no = نہیں، میری درخواست برقرار رکھیں
erase-heading = کیا آپ اپنا اکاؤنٹ ختم کرنا چاہتے ہیں؟
erase-text = اس سے آپ کی ہر درخواست میں سے آپ کا نام، رابطے کی تفصیلات، سی ویز اور تعارفی خطوط، اور ہماری بھیجی ہوئی ای میلز مٹا دی جاتی ہیں۔ یہ عمل واپس نہیں ہو سکتا۔
erase-open = اس کے بعد بھرتی کرنے والے آپ کی { $count ->
    [one] 1 زیرِ غور درخواست
   *[other] { $count } زیرِ غور درخواستوں
} پر غور نہیں کر سکیں گے۔
erase-offer = آپ کو { $job } کی پیشکش ملی ہوئی ہے۔ اکاؤنٹ ختم کرنے کے بعد ہم آپ کو اس کے بارے میں نہیں لکھ سکیں گے: اگر آپ یہ ملازمت چاہتے ہیں تو پہلے پیشکش کا جواب دیں۔
erase-yes = جی ہاں، میرا اکاؤنٹ ختم کریں
erase-no = نہیں، میرا اکاؤنٹ برقرار رکھیں
rule-is-not-right = درست نہیں
rule-you-have-already-applied-to-this-job = آپ اس ملازمت کے لیے پہلے ہی درخواست دے چکے ہیں
rule-this-job-no-longer-takes-applications = یہ ملازمت اب درخواستیں قبول نہیں کرتی
rule-this-link-is-not-valid-it-may-have-expired-or-been-used-already = یہ لنک درست نہیں: ہو سکتا ہے اس کی مدت ختم ہو گئی ہو یا یہ پہلے استعمال ہو چکا ہو
rule-this-offer-has-expired-and-can-no-longer-be-answered-contact-the-recruiter-if-you-still-want-the-job = اس پیشکش کی مدت ختم ہو چکی ہے اور اب اس کا جواب نہیں دیا جا سکتا؛ اگر آپ اب بھی یہ ملازمت چاہتے ہیں تو بھرتی کرنے والے سے رابطہ کریں
rule-the-application-s-status-changed-meanwhile-reload-it = اس دوران درخواست کی صورتِ حال بدل گئی ہے؛ صفحہ دوبارہ کھولیں
rule-verify-your-e-mail-address-first-follow-the-link-we-sent-you-or-ask-for-a-new-one = پہلے اپنے ای میل پتے کی تصدیق کریں: ہمارے بھیجے ہوئے لنک پر جائیں، یا نیا لنک منگوائیں
rule-we-are-receiving-more-applications-than-we-can-assess-right-now-try-again-in-n-seconds = اس وقت ہمیں اتنی درخواستیں مل رہی ہیں کہ ہم سب کو فوراً نہیں جانچ سکتے؛ { $n1 } سیکنڈ بعد دوبارہ کوشش کریں
rule-too-many-attempts-try-again-in-n-seconds = بہت زیادہ کوششیں ہو گئی ہیں؛ { $n1 } سیکنڈ بعد دوبارہ کوشش کریں
rule-must-be-smaller-than-n-mb = { $n1 } MB سے چھوٹی ہونی چاہیے
rule-is-empty = خالی ہے
rule-must-be-a-pdf-a-word-docx-or-a-plain-text-file = PDF، Word (DOCX) یا سادہ ٹیکسٹ فائل ہونی چاہیے
rule-could-not-be-read-paste-the-text-of-your-cv-into-cv-text-instead = پڑھی نہیں جا سکی: اس کے بجائے اپنی سی وی کا متن "سی وی کا متن" میں لکھ دیں
rule-an-account-with-this-e-mail-already-exists = اس ای میل کا اکاؤنٹ پہلے سے موجود ہے
pay-monthly = ماہانہ
pay-yearly = سالانہ

## Dates, as day, month and year boxes

date-day = دن
date-month = مہینہ
date-year = سال
date-time = وقت
date-hint = مثال کے طور پر، 27 3 2030۔
date-hint-time = مثال کے طور پر، 27 3 2030 اور 17:00۔

## The timeout warning

timeout-title = آپ جلد سائن آؤٹ ہو جائیں گے
timeout-text = آپ کی حفاظت کے لیے ہم 2 منٹ میں آپ کو سائن آؤٹ کر دیں گے۔ جو کچھ آپ نے جمع نہیں کرایا وہ ضائع ہو جائے گا۔
timeout-stay = سائن ان رہیں
settings-email-heading = اپنا ای میل پتہ تبدیل کریں
settings-email-how = ہم نئے پتے پر ایک لنک بھیجیں گے۔ اس لنک پر جانے سے آپ کا اکاؤنٹ نئے پتے پر منتقل ہو جائے گا؛ تب تک ہم { $email } پر ہی لکھتے رہیں گے۔
settings-email-password-hint = تاکہ کوئی اور شخص جسے یہ آلہ سائن اِن حالت میں ملے، آپ کا اکاؤنٹ نہ لے سکے
settings-email-send = لنک بھیجیں
settings-email-sent = ہم نے آپ کے نئے پتے پر ایک لنک بھیج دیا ہے۔ اپنا اکاؤنٹ وہاں منتقل کرنے کے لیے اس پر جائیں۔
field-new-email = نیا ای میل پتہ
confirm-new-email-heading = اپنے نئے ای میل پتے کی تصدیق کریں
confirm-new-email-why = اب سے یہ پتہ اپنے اکاؤنٹ کے لیے استعمال کرنے کے لیے بٹن دبائیں۔
confirm-new-email-button = میرے نئے ای میل پتے کی تصدیق کریں
confirm-new-email-done = آپ کا ای میل پتہ تبدیل ہو گیا ہے
confirm-new-email-next = اب سے ہم آپ کو نئے پتے پر لکھیں گے، اور آپ اسی سے سائن اِن کریں گے۔
confirm-new-email-again = نیا لنک منگوائیں
rule-is-already-your-account-s-address = پہلے ہی آپ کے اکاؤنٹ کا پتہ ہے
rule-this-address-belongs-to-another-account-now-so-yours-cannot-move-to-it = یہ پتہ اب کسی دوسرے اکاؤنٹ کا ہے، اس لیے آپ کا اکاؤنٹ اس پر منتقل نہیں ہو سکتا

## The pages about the service: privacy notice, accessibility statement, cookies, help.
privacy-title = رازداری کا نوٹس
privacy-version = نسخہ { $version }
privacy-who = آپ کے ڈیٹا کا ذمہ دار کون ہے
privacy-controller = یہ سروس { $organisation } چلاتا ہے، اور آپ کی دی ہوئی معلومات کا ذمہ دار (ڈیٹا کنٹرولر) بھی وہی ہے۔
privacy-address = اس کا پتہ { $address } ہے۔
privacy-write = اپنے ڈیٹا سے متعلق کسی بھی بات کے لیے، بشمول اسے دیکھنے، درست کرنے یا حذف کرنے کی درخواست کے، اس پتے پر لکھیں:
privacy-what = ہم کیا رکھتے ہیں
privacy-what-text = آپ کا اکاؤنٹ (نام، ای میل پتہ اور آپ کے پاس ورڈ کا ہیش) اور ہر درخواست: آپ کے رابطے کی تفصیلات، مہارتیں، تجربہ، تعلیم، سی وی اور کور لیٹر، اس کی جانچ، اور ہر وہ مرحلہ جس سے وہ گزرتی ہے۔ اگر آپ درخواست فارم پر مساوات کے سوالات کا جواب دیں تو آپ کے جوابات بھی: یہ آپ کی درخواست سے الگ رکھے جاتے ہیں، بھرتی کرنے والوں کو کبھی نہیں دکھائے جاتے، جانچ میں کبھی استعمال نہیں ہوتے، اور صرف دوسرے امیدواروں کے جوابات کے ساتھ ملا کر گنے جاتے ہیں تاکہ دیکھا جا سکے کہ انتخاب ہر گروہ سے منصفانہ سلوک کرتا ہے۔
privacy-why = کیوں
privacy-why-text = آپ کی درخواست کو ملازمت کی شائع شدہ شرائط کے مطابق جانچنے کے لیے، اور ہر مرحلے پر آپ کو مطلع کرنے کے لیے۔ ایک خودکار نظام درخواستیں چھانٹنے میں بھرتی کرنے والوں کی مدد کرتا ہے: یہ آپ کی مہارتوں، تجربے، تعلیم اور آپ کی سی وی کی ملازمت سے مطابقت کو دیکھتا ہے، آپ کے نام، پتے، فون نمبر یا مساوات کے جوابات کو کبھی نہیں۔ جانچ کی وضاحت آپ کو دی جاتی ہے، بھرتی کرنے والے اسے نظر انداز کر سکتے ہیں، اور یہ خود کبھی کسی کو مسترد نہیں کرتا: فیصلہ صرف بھرتی کرنے والا کرتا ہے۔ ہماری بھیجی ہوئی کسی بھی ای میل کا جواب دے کر آپ کہہ سکتے ہیں کہ کوئی شخص آپ کی جانچ پر نظرِ ثانی کرے۔
privacy-who-sees = اسے کون دیکھتا ہے
privacy-who-sees-text = اس سروس کے بھرتی کرنے والے اور منتظمین۔ ان میں سے کوئی بھی جب آپ کی درخواست کھولتا ہے تو اس کا ریکارڈ رکھا جاتا ہے، اور آپ یہ ریکارڈ اپنے ڈیٹا کے صفحے پر دیکھ سکتے ہیں۔
privacy-how-long = کتنی دیر تک
privacy-how-long-text = ملازمت بند ہونے کے بعد ایک مقررہ مدت تک، جو یہ سروس چلانے والا ادارہ طے کرتا ہے۔ اس کے بعد آپ کی درخواستوں سے آپ کی شناخت ہٹا دی جاتی ہے: اعداد و شمار کے لیے صرف ان کا حوالہ نمبر، صورتِ حال اور اسکور رکھا جاتا ہے۔ جو درخواست آپ نے شروع کی مگر بھیجی نہیں، وہ ایک دن بعد حذف کر دی جاتی ہے۔
privacy-rights = آپ کے حقوق
privacy-rights-text = ہمارے پاس آپ کے بارے میں جو کچھ ہے، آپ وہ سب دیکھ اور ڈاؤن لوڈ کر سکتے ہیں، اور کسی بھی وقت اپنا اکاؤنٹ اور درخواستیں حذف کر سکتے ہیں:
privacy-rights-link = آپ کا ڈیٹا
access-intro = یہ سروس { $organisation } چلاتا ہے۔ ہم چاہتے ہیں کہ زیادہ سے زیادہ لوگ اسے استعمال کر سکیں۔ آپ کو یہ سب کر سکنا چاہیے:
access-colours = اپنے براؤزر یا آلے کی ترتیبات سے رنگ، کنٹراسٹ اور فونٹ بدلنا
access-zoom = متن کے اسکرین سے باہر نکلے بغیر 400% تک زوم کرنا
access-keyboard = صرف کی بورڈ سے درخواست شروع سے آخر تک مکمل کرنا
access-speech = آواز پہچاننے والے سافٹ ویئر سے درخواست شروع سے آخر تک مکمل کرنا
access-screen-reader = اسکرین ریڈر سے ہر صفحہ سننا
access-languages = امیدواروں کا ہر صفحہ اور ہر ای میل انگریزی یا اردو میں پڑھنا
access-design-system = یہ سروس GOV.UK ڈیزائن سسٹم پر بنی ہے، جس کے اجزا معاون ٹیکنالوجی استعمال کرنے والے لوگوں کے ساتھ آزمائے جاتے ہیں۔
access-how = یہ سروس کتنی قابلِ رسائی ہے
access-how-text = ہمارے خودکار براؤزر ٹیسٹوں میں امیدوار یا بھرتی کرنے والا جو بھی صفحہ کھولتا ہے، اسے axe-core کے ذریعے ویب مواد کی رسائی کے رہنما اصولوں (WCAG) 2.2 کے درجہ AA پر، انگریزی اور اردو میں، ڈیسک ٹاپ اسکرین اور فون دونوں پر جانچا جاتا ہے۔ ہمیں معلوم ہے کہ کچھ حصے ابھی پوری طرح قابلِ رسائی نہیں:
access-known-staff = بھرتی کرنے والوں اور منتظمین کے صفحات صرف انگریزی میں ہیں
access-known-review = اردو متن پر ابھی کسی پیشہ ور مترجم نے نظرِ ثانی نہیں کی
access-cannot = اگر آپ یہ سروس استعمال نہ کر سکیں تو کیا کریں
access-cannot-text = اگر آپ کو معلومات کسی اور شکل میں چاہییں، جیسے بڑے حروف یا آڈیو ریکارڈنگ، یا آپ آن لائن درخواست نہیں دے سکتے، تو اس پتے پر لکھیں:
access-or-call = یا { $phone } پر فون کریں
access-reply = ہم 5 کاروباری دنوں کے اندر جواب دیں گے، اور اگر آخری تاریخ قریب ہو تو آپ کی درخواست کسی اور طریقے سے قبول کر لیں گے۔
access-report = رسائی کے مسائل کی اطلاع دینا
access-report-text = اگر آپ کو کوئی ایسا مسئلہ ملے جو اس صفحے پر درج نہیں، یا آپ سمجھیں کہ ہم ان معیارات پر پورے نہیں اترتے، تو اس پتے پر لکھیں:
access-compliance = تعمیل کی صورتِ حال
access-compliance-text = اوپر درج مسائل کی وجہ سے یہ سروس WCAG 2.2 کے درجہ AA پر جزوی طور پر پوری اترتی ہے۔
cookies-intro = کوکیز چھوٹی فائلیں ہیں جو کسی ویب سائٹ پر جانے سے آپ کے فون یا کمپیوٹر پر محفوظ ہو جاتی ہیں۔ یہ سروس صرف وہی کوکیز استعمال کرتی ہے جن کے بغیر یہ کام نہیں کر سکتی، اس لیے آپ کی اجازت نہیں مانگتی۔ یہ تجزیے یا اشتہار کی کوئی کوکی استعمال نہیں کرتی، اور یہاں کی کوئی چیز کسی اور کو نہیں دی جاتی۔
cookies-essential = ضروری کوکیز
cookies-name = نام
cookies-purpose = مقصد
cookies-expires = کب ختم ہوتی ہے
cookies-session = آپ کو سائن اِن رکھتی ہے
cookies-session-ends = جب آپ سائن آؤٹ کریں، یا { $length } کے بعد
cookies-csrf = یقینی بناتی ہے کہ آپ کے بھیجے ہوئے فارم اسی سروس سے آئیں، کسی اور ویب سائٹ سے نہیں
cookies-browser-closes = جب آپ براؤزر بند کریں
cookies-language = آپ کی منتخب کردہ زبان یاد رکھتی ہے
cookies-a-year = ایک سال بعد
contact-runs = یہ سروس { $organisation } چلاتا ہے۔
contact-questions = کسی درخواست کے بارے میں سوالات
contact-reference = اپنی درخواست کا حوالہ نمبر تیار رکھیں: یہ PVA سے شروع ہوتا ہے، اور ہماری ہر ای میل میں اور اس صفحے پر موجود ہے:
contact-email = ای میل:
contact-phone = ٹیلی فون:
contact-post = ڈاک:
contact-feedback = رائے
contact-feedback-text = ہمیں بتائیں کہ کیا ٹھیک چلا اور کیا نہیں۔ ہم ہر پیغام پڑھتے ہیں:
contact-feedback-link = ہمیں اپنی رائے بھیجیں
contact-more = اس سروس کے بارے میں مزید

## "Your data": everything the service holds about a person, as a page.
data-title = آپ کا ڈیٹا
data-intro = اس سروس میں { $organisation } کے پاس آپ کے بارے میں جو کچھ ہے، وہ سب یہاں ہے: آپ کا اکاؤنٹ، ہر درخواست اور اس کے ساتھ جو ہوا، اور ہر وہ موقع جب کسی نے آپ کا ریکارڈ کھولا۔
data-download-page = یہ صفحہ ڈاؤن لوڈ کریں
data-download-page-why = (ایک ویب صفحہ جسے آپ رکھ سکتے ہیں، پرنٹ کر سکتے ہیں یا انٹرنیٹ کے بغیر کھول سکتے ہیں)
data-download-json = کسی دوسری سروس کے لیے اپنا ڈیٹا ڈاؤن لوڈ کریں
data-download-json-why = (ایک JSON فائل)
data-print = پرنٹ کریں یا PDF کے طور پر محفوظ کریں
data-yes = ہاں
data-not-yet = ابھی نہیں
data-created = اکاؤنٹ بنا
data-confirmed = ای میل پتے کی تصدیق
data-no-applications = آپ نے کسی ملازمت کے لیے درخواست نہیں دی۔
data-application-for = { $job } کے لیے آپ کی درخواست
data-reference = حوالہ نمبر
data-status = صورتِ حال
data-submitted = جمع کرائی گئی
data-experience = تجربہ
data-cv-file = سی وی کی فائل
data-score = اسکور
data-score-out-of = 100 میں سے { $score }
data-consent = رازداری کا نوٹس قبول کیا
data-assessed = اسے کیسے جانچا گیا
data-happened = کیا ہوا
data-cv-read = آپ کی سی وی، جیسے ہم نے پڑھی
data-notes = عملے کے لکھے ہوئے نوٹس
data-equality = مساوات کے سوالات کے آپ کے جوابات
data-equality-apart = بھرتی کرنے والے انہیں کبھی نہیں دیکھتے؛ انہیں صرف دوسرے امیدواروں کے جوابات کے ساتھ ملا کر گنا جاتا ہے۔
data-access = آپ کا ریکارڈ کس نے کھولا
data-nobody = ابھی تک کسی نے نہیں۔
data-access-caption = ہر وہ موقع جب کسی نے آپ کا ریکارڈ کھولا یا بدلا
data-when = کب
data-who = کس نے
data-what = کیا
data-former-staff = عملے کا ایک سابق رکن
data-operator = سروس چلانے والا ایک اہلکار
data-service = خود سروس
data-did-read = آپ کی درخواست کھولی
data-did-cv = آپ کی سی وی کی فائل ڈاؤن لوڈ کی
data-did-note = آپ کی درخواست پر نوٹ لکھا
data-did-score = آپ کی درخواست کا اسکور مقرر کیا
data-did-scorecard = آپ کے انٹرویو کا نتیجہ درج کیا
data-did-export = آپ کا ڈیٹا ڈاؤن لوڈ کیا یا دیکھا
data-did-verify = آپ کے ای میل پتے کی تصدیق کی
data-did-reset = آپ کا پاس ورڈ دوبارہ مقرر کیا
data-did-password = آپ کا پاس ورڈ تبدیل کیا
data-did-ask-email = آپ کا ای میل پتہ بدلنے کی درخواست کی
data-did-email = آپ کا ای میل پتہ تبدیل کیا
data-did-rename = آپ کا نام تبدیل کیا
data-did-create = آپ کا اکاؤنٹ بنایا
data-did-erase = آپ کا اکاؤنٹ حذف کیا
data-did-other = آپ کے ریکارڈ پر کام کیا
years-count = { $count ->
    [one] 1 سال
   *[other] { $count } سال
}
assess-required-have = مطلوبہ مہارتیں جو آپ کے پاس ہیں: { $skills }
assess-required-missing = مطلوبہ مہارتیں جو ہمیں نہیں ملیں: { $skills }
assess-preferred-have = ترجیحی مہارتیں جو آپ کے پاس ہیں: { $skills }
assess-experience-meets = تجربہ: { $years }، مطلوبہ { $minimum } کے مطابق
assess-experience-below = تجربہ: { $years }، مطلوبہ { $minimum } سے کم
assess-education-meets = تعلیم: { $level }، شرط کے مطابق
assess-education-below = تعلیم: { $level }، مطلوبہ { $required } سے کم
role-applicant = امیدوار
role-recruiter = بھرتی افسر
role-admin = منتظم
role-hiring_manager = تقرری افسر
role-interviewer = انٹرویو لینے والا
panel-of = { $count } ارکان کا پینل: { $roles }
panel-member = { $name } ({ $role })
merit-open-merit = اوپن میرٹ
merit-outcome-selected = { $seat } پر ایک آسامی کے لیے منتخب
merit-outcome-carried = اوپن میرٹ پر ایک آسامی کے لیے منتخب ({ $from } کی وہ آسامی جو پُر نہ ہو سکی)
merit-outcome-reserve = { $seat } کی ریزرو فہرست میں، نمبر { $rank }
merit-outcome-not-selected = منتخب نہیں ہوئے: آپ کی پوزیشن آپ کے لیے کھلی آخری آسامی سے نیچے ہے
merit-outcome-not-eligible = ملازمت کے قواعد کے تحت اہل نہیں
merit-outcome-no-test = ٹیسٹ کے نمبر نہیں
merit-outcome-no-interview = انٹرویو کے نمبر نہیں: انٹرویو کے لیے نہیں بلایا گیا، یا غیر حاضر رہے
shortfall-not-declared = آپ نے وہ معلومات نہیں دیں جو ملازمت کے قواعد کو درکار ہیں۔
shortfall-too-young = آخری تاریخ پر آپ کی عمر { $age } سال ہے؛ کم از کم عمر کی حد { $min } سال ہے۔
shortfall-too-old = آخری تاریخ پر آپ کی عمر { $age } سال ہے؛ زیادہ سے زیادہ عمر کی حد { $max } سال ہے۔
shortfall-too-old-relaxed = آخری تاریخ پر آپ کی عمر { $age } سال ہے؛ { $relaxation } سال کی رعایت کے ساتھ زیادہ سے زیادہ عمر کی حد { $max } سال ہے۔
shortfall-domicile = یہ آسامی آپ کے ڈومیسائل ({ $domicile }) کے لیے کھلی نہیں۔
shortfall-education = اس آسامی کے لیے کم از کم درکار ہے: { $needs }۔
shortfall-subject = یہ آسامی آپ کی تعلیمی قابلیت کا مضمون قبول نہیں کرتی۔
shortfall-experience = اس آسامی کے لیے { $needs } کا تجربہ درکار ہے؛ آپ کا تجربہ { $has } ہے۔
declaration-heading = اس ملازمت کے قواعد کے لیے آپ کے بارے میں
declaration-why = یہ ملازمت ایک سرکاری کمیشن کے قواعد کے تحت پُر کی جاتی ہے۔ ہم یہ قواعد آخری تاریخ پر اُن معلومات کی بنیاد پر لاگو کرتے ہیں جو آپ یہاں دیتے ہیں۔ ان جوابات سے طے ہوتا ہے کہ آپ اہل ہیں یا نہیں؛ یہ نیچے دیے گئے رضاکارانہ سوالات سے الگ رکھے جاتے ہیں۔
field-date-of-birth = تاریخ پیدائش
field-domicile = ڈومیسائل
declaration-domicile-hint = آپ کے ڈومیسائل سرٹیفکیٹ والا صوبہ یا علاقہ
field-claims = وہ زمرے جن سے آپ کا تعلق ہے
declaration-claims-hint = جتنے لاگو ہوں سب منتخب کریں۔ تقرری سے پہلے آپ سے ثبوت مانگا جائے گا۔
field-subject = آپ کی اعلیٰ ترین تعلیمی قابلیت کا مضمون
declaration-choose = ایک منتخب کریں
problem-date-of-birth = اپنی تاریخ پیدائش درست تاریخ کی صورت میں لکھیں، جیسے 27 3 1998
eligibility-warning-title = ہو سکتا ہے آپ اس ملازمت کے لیے اہل نہ ہوں
eligibility-warning-send = آپ پھر بھی اپنی درخواست بھیج سکتے ہیں۔ فیصلہ عملہ کرتا ہے، اور وہ بھی یہی وجوہات دیکھے گا۔
check-declaration = اس ملازمت کے قواعد کے لیے
rule-must-be-given-this-job-s-rules-need-your-date-of-birth-and-domicile = دینا ضروری ہے: اس ملازمت کے قواعد کو آپ کی تاریخ پیدائش اور ڈومیسائل درکار ہیں
rule-must-be-a-real-date-of-birth-in-the-past = ماضی کی کوئی حقیقی تاریخ پیدائش ہونی چاہیے
rule-must-name-only-the-job-s-categories = صرف ملازمت کے زمرے درج ہو سکتے ہیں
result-heading = آپ کا نتیجہ
result-published = { $date } کو میرٹ لسٹ کے ورژن { $version } میں شائع ہوا۔
result-test = ٹیسٹ کے نمبر
result-interview = انٹرویو کے نمبر
result-total = کل
result-position = میرٹ میں پوزیشن
result-outcome = نتیجہ
result-public = حوالہ نمبر کے ساتھ تمام نتائج دیکھیں
representation-until = اگر آپ سمجھتے ہیں کہ آپ کے نمبر یا نتیجہ درست نہیں، تو آپ { $date } تک اس لسٹ کے بارے میں ایک نمائندگی جمع کرا سکتے ہیں۔
representation-start = نمائندگی جمع کرائیں
representation-title = نمائندگی جمع کرائیں
representation-once = آپ ہر شائع شدہ لسٹ کے بارے میں ایک نمائندگی جمع کرا سکتے ہیں۔ ایک کمیٹی تحریری طور پر فیصلہ کرتی ہے، اور ہم آپ کو ای میل کے ذریعے بتاتے ہیں۔
field-representation = آپ کی نمائندگی
representation-text-hint = بتائیں کہ آپ کے خیال میں کون سے نمبر یا نتیجہ غلط ہے، اور کیوں۔
representation-send = نمائندگی بھیجیں
representation-filed = آپ نے { $date } کو نمائندگی جمع کرائی: { $text }
representation-waiting = کمیٹی نے ابھی فیصلہ نہیں کیا۔
representation-upheld = { $date } کو منظور: { $reason }
representation-not-upheld = { $date } کو نامنظور: { $reason }
results-title = نتائج: { $job }
results-back = ملازمت
results-intro = میرٹ لسٹ کا ورژن { $version }، { $date } کو شائع ہوا۔ امیدوار صرف ان کے حوالہ نمبر سے درج ہیں۔
results-none = اس ملازمت کے نتائج ابھی شائع نہیں ہوئے۔
results-fingerprint = فنگر پرنٹ (شائع شدہ لسٹ کا SHA-256):
results-download = فنگر پرنٹ جانچنے کے لیے شائع شدہ لسٹ (CSV) ڈاؤن لوڈ کریں
results-find = حوالہ نمبر تلاش کریں
results-find-hint = مثال کے طور پر، PVA-7K3Q-9MXD
results-find-button = تلاش کریں
results-reference = حوالہ نمبر
results-position = پوزیشن
results-outcome = نتیجہ
results-not-found = اس حوالہ نمبر کی کوئی سطر نہیں۔
results-pages = نتائج کے صفحات
results-previous = پچھلا صفحہ
results-next = اگلا صفحہ
