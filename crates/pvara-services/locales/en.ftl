# pvara's words, in English: the source of every translation (ur.ftl has the same ids).
# Fluent syntax: https://projectfluent.org/fluent/guide/ . A message with { $count } chooses its
# plural form by the number; other { $variables } are names, dates and references.

## The frame of every page

service-name = Recruitment
skip-to-content = Skip to main content
nav-menu = Menu
nav-jobs = Jobs
nav-workspace = Workspace
nav-interviews = My interviews
nav-applications = My applications
nav-staff-accounts = Staff accounts
nav-system = System
nav-account = Your account
nav-sign-out = Sign out
nav-sign-in = Sign in
nav-register = Create an account
language-switch = Language
footer-support = Support links
footer-help = Help and contact
footer-privacy = Privacy
footer-cookies = Cookies
footer-accessibility = Accessibility statement
footer-feedback = Give feedback
footer-about = pvara, an open-source recruitment pipeline.
error-prefix = Error:
error-summary-title = There is a problem
optional = Optional

## Pages that cannot be shown

error-not-found = Page not found
error-not-found-text = If you typed the web address, check it is correct.
error-forbidden = You cannot see this page
error-forbidden-text = Your account does not give access to this page.
error-csrf = This form has expired
error-csrf-text = Go back, reload the page and try again.
error-refused = That could not be done
error-unavailable = Sorry, the service is unavailable
error-unavailable-text = Try again in a few minutes.
error-internal = Sorry, there is a problem with the service
error-internal-text = Try again later.
error-home = Go to the job board

## Form fields

field-full-name = Full name
field-email = Email
field-password = Password
field-phone = Phone
field-skills = Skills
field-years = Years of experience
field-education = Education
field-cv = CV
field-cv-text = CV text
field-cover-letter = Cover letter
field-privacy-notice = The privacy notice
field-job = Job
field-equality = Equality monitoring:

## What is wrong with a form's answer (after the field's name)

problem-required = Enter your { $field }
problem-cv-missing = Upload your CV or paste its text into CV text
problem-cv-again = Choose your CV file again: it could not be kept
problem-read-little = We could read only { $words } words from your CV file ({ $pages ->
    [one] 1 page
   *[other] { $pages } pages
}): check what we read in CV text, add what is missing, and continue
problem-whole-number = { $field } must be a whole number, like 12
problem-sign-in = Enter a correct e-mail address and password
problem-years-blank = Enter your years of experience, as a number (0 if you have none)
problem-number = { $field } must be a number
problem-generic = { $field }: { $message }

## The job board

jobs-heading = Jobs
jobs-search = Search jobs
jobs-location = Location
jobs-search-button = Search
jobs-count = { $count ->
    [one] 1 open job
   *[other] { $count } open jobs
}
jobs-closes = closes { $date }
jobs-pages = Pages of jobs
page-previous = Previous page
page-next = Next page
job-anywhere = Anywhere
job-posts = { $count ->
    [one] 1 post
   *[other] { $count } posts
}

## A job

job-all = All jobs
job-location = Location
job-vacancies = Vacancies
job-closing = Closing date
job-open-until-filled = Open until filled
job-required = Required skills
job-preferred = Preferred skills
job-experience = Experience
job-at-least = At least { $years ->
    [one] 1 year
   *[other] { $years } years
}
job-education = Education
job-none = None
job-about = About the job
job-applied-on = You applied for this job on { $date }.
job-see-application = See your application
job-before = Before you start
job-takes = Applying takes about 10 minutes. You will need:
job-need-account = an account with a confirmed e-mail address (you can create one on the way)
job-need-cv = your CV as a PDF, Word (DOCX) or text file of up to 5 MB, or its text to paste
job-need-details = your skills, years of experience and highest education
job-once = You can apply once for each job, and withdraw at any time before a final decision.
job-apply = Apply
job-closed = This job is closed and takes no more applications.
job-gone = A job no longer advertised

## Levels of education

education-none = No formal qualification
education-highschool = High school (matric, intermediate)
education-diploma = Diploma or associate degree
education-bachelor = Bachelor's degree
education-master = Master's degree
education-doctorate = Doctorate

## The application form

apply-title = Apply: { $job }
apply-back = Back to the job
apply-heading = Apply for this job
apply-write-to = We will write to you at { $email }, your account's address.
apply-skills-hint = Separate skills with commas, for example: Rust, PostgreSQL, Kafka
apply-cv-hint = A PDF, Word (DOCX) or plain text file, up to 5 MB. Or paste your CV into CV text below.
apply-cv-text-hint = Not needed if you uploaded a file
apply-equality = Equality monitoring (optional)
apply-equality-voluntary = These questions are voluntary and answering them or not makes no difference to your application.
apply-equality-apart = Your answers are kept apart from it: recruiters never see them, the scoring never reads them, and they are only ever counted with other candidates' answers to check that our selection treats every group fairly. They are deleted if you erase your account.
apply-prefer-not = Prefer not to say
apply-your-data = Your data
apply-privacy-hint = The privacy notice says what we keep, who sees it, for how long, and your rights.
apply-privacy-link = Read the privacy notice (opens in a new tab)
apply-accept = I accept the privacy notice
apply-continue = Continue
apply-cv-kept = We have your file { $file }. Choose another file only to replace it.
check-title = Check your answers before sending your application
check-back = Back to the form
check-application = Your application
check-change = Change
check-not-given = Not given
check-cv-file = { $file } ({ $words } words read)
check-cv-pasted = Pasted text ({ $words } words)
check-privacy-accepted = You accept the privacy notice
check-send-heading = Now send your application
check-send-text = By sending this application you confirm that, to the best of your knowledge, the details you are giving are correct.
check-send = Accept and send

## After applying

applied-title = Application submitted
applied-reference = Your reference number
applied-next = What happens next
applied-sent = We have sent a confirmation to { $email }.
applied-assessed = Your application for { $job } is assessed against the job's requirements within minutes; recruiters then invite the strongest candidates to an online test.
applied-every-step = We will e-mail you at every step.
applied-follow = Follow your application

## Signing in and registering

login-heading = Sign in
login-forgotten = Forgotten your password?
login-new-here = New here?
register-password-hint = At least 10 characters, with letters and digits or symbols
register-button = Create account
register-have-account = Already have an account?
sent-heading = Check your e-mail
sent-to-address = We have sent a message to the address you gave.
sent-confirm-link = If the address is new here, follow the link in the message to confirm it, then sign in. The link works for 48 hours.
sent-ready = If the address is new here, your account is ready: you can sign in now.
sent-known = If the address already has an account, the message says so and how to sign in.
sent-nothing = No message after a few minutes? Check your spam folder, or create the account again with the right address.
sent-again = Create the account again

## The candidate's applications

mine-none = You have not applied for a job yet.
mine-find = Find a job
mine-caption = Your applications
mine-job = Job
mine-reference = Reference
mine-status = Status
mine-submitted = Submitted
mine-your-data = Your data
mine-data-text = Everything we hold about you, to read, print or download.
mine-see-data = See your data
mine-delete = Delete your account
mine-delete-text = This erases your name, contact details, CVs and cover letters from every application you made, and the e-mails we sent you. Recruiters will no longer be able to consider your applications. It cannot be undone.
mine-delete-button = Delete my account
own-title = Application for { $job }
own-reference = Reference { $reference }
own-accept = Accept offer
own-decline = Decline offer
own-assessed = How your application was assessed
own-timeline = Timeline
own-withdraw = Withdraw
own-withdraw-text = If you no longer want this job, you can withdraw. This cannot be undone.
own-withdraw-button = Withdraw application
status-label = Status:
status-polling = Your application is being assessed. This page updates by itself.

## Where an application stands

status-submitted = Submitted
status-under-review = Under Review
status-scoring-failed = Scoring Failed
status-test-invited = Test Invited
status-interview-scheduled = Interview Scheduled
status-offer-extended = Offer Extended
status-rejected = Rejected
status-withdrawn = Withdrawn
status-offer-accepted = Offer Accepted
status-offer-declined = Offer Declined
status-offer-withdrawn = Offer Withdrawn
status-offer-expired = Offer Expired
status-hired = Hired

## What happens next, per status

next-submitted = We are assessing your application. This usually takes a few minutes.
next-under-review = Recruiters are reviewing applications. We will e-mail you when they decide about yours.
next-scoring-failed = We could not assess your application automatically; a recruiter will look at it by hand.
next-test-invited = Take the online test before its deadline. We will e-mail you the outcome.
next-interview-scheduled = Come to the interview at the time and place below. We will e-mail you if anything changes.
next-offer-extended = Accept or decline the offer before it expires.
next-offer-accepted = Thank you for accepting. We will confirm your first day at work.
next-hired = Welcome. Your first day at work is below.
next-offer-declined = You declined the offer. You are welcome to apply for our other vacancies.
next-offer-withdrawn = The offer was withdrawn; the reason is in the timeline below.
next-offer-expired = The offer expired before it was answered. Contact the recruiter if you still want the job.
next-rejected = This application was not successful; the reason is in the timeline below.
next-withdrawn = You withdrew this application. Nothing more is needed.

## The current step's details

step-test = Online test
step-test-by = Complete it by
step-interview = Interview
step-place = Place
step-panel = Panel
step-round = Round
step-round-number = Round { $round }
step-salary = Salary
step-start = Start date
step-answer-by = Answer by
step-first-day = First day at work

## Mail

mail-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
mail-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}

## A rule's words, after the field's name: the domain writes them in English, and these ids are
## those words with the numbers taken out (see i18n::rule). English needs none of them: the
## words are the message. They are here so that the Urdu file can say them.

rule-must-not-be-empty = must not be empty
rule-must-be-at-most-n-characters = must be at most { $n1 } characters
rule-must-be-at-least-n-characters = must be at least { $n1 } characters
rule-must-be-an-e-mail-address-like-name-example-org = must be an e-mail address like name@example.org
rule-must-not-contain-control-characters = must not contain control characters
rule-must-mix-letters-with-digits-or-symbols = must mix letters with digits or symbols
rule-is-too-easy-to-guess-a-few-unrelated-words-and-a-number-make-a-strong-one = is too easy to guess; a few unrelated words and a number make a strong one
rule-may-contain-digits-spaces-and-only = may contain digits, spaces and + - ( ) only
rule-must-list-at-least-one-skill = must list at least one skill
rule-must-be-between-n-and-n = must be between { $n1 } and { $n2 }
rule-must-be-accepted-to-apply-the-privacy-notice-says-how-your-data-is-used = must be accepted to apply: the privacy notice says how your data is used

## Account settings, confirming an address, resetting a password

back = Back
continue = Continue
warning-prefix = Warning
banner-success = Success
browse-jobs = Browse jobs
get-new-link = Get a new link
field-current-password = Current password
field-new-password = New password
field-link = Link
field-reason = Reason
settings-name = Name
settings-email = E-mail address
settings-password = Password
settings-change = Change
settings-your-name = your name
settings-your-email = your e-mail address
settings-your-password = your password
settings-password-hidden = Hidden for your security
settings-kept-names = Applications you have already made keep the name you gave on them.
settings-name-heading = Change your name
settings-name-save = Save your name
settings-name-changed = Your name has been changed
settings-password-heading = Change your password
settings-password-stay = You will stay signed in here and be signed out on every other device.
settings-password-hint = At least 10 characters. A few unrelated words make a strong password that is easy to remember.
settings-password-changed = Your password has been changed. You have been signed out everywhere else.
confirm-email-heading = Confirm your e-mail address
confirm-email-done-heading = Your e-mail address is confirmed
confirm-email-write-to = We will write to you at { $email }.
confirm-email-sent-new = We have sent you a new link
confirm-email-sent-to = We have sent a link to { $email }. Follow it to confirm that the address is yours: you can apply for jobs once it is confirmed.
confirm-email-48 = The link works for 48 hours. If you cannot find the e-mail, look in your spam or junk folder.
confirm-email-again = Send the link again
verify-done = E-mail address confirmed
verify-can-apply = You can now apply for jobs.
verify-sign-in-apply = You can now sign in and apply for jobs.
verify-why = Confirm that this address is yours, so that we can write to you about your applications.
verify-button = Confirm my e-mail address
verify-ask-new = Sign in and ask for a new link on your account's page.
reset-heading = Reset your password
reset-sent = If an account uses { $email }, we have sent a link to it. Follow the link to choose a new password. It works for one hour.
reset-back = Back to sign in
reset-enter = Enter the e-mail address of your account. We will send you a link to choose a new password.
reset-send = Send me a link
reset-done = Password changed
reset-choose = Choose a new password
reset-signed-out = You were signed out everywhere.
reset-sign-in-new = Sign in with your new password
reset-hint = At least 10 characters. A few unrelated words make a strong password.
reset-change = Change password
deleted-heading = Your account has been deleted
deleted-text = We have erased your name, contact details, CVs and cover letters from every application you made, and the e-mails we sent you. You have been signed out.
deleted-welcome = You are welcome to apply again with a new account.

## Answering an offer, and "Are you sure?"

offer-accept-title = Accept the offer for { $job }
offer-decline-title = Decline the offer for { $job }
offer-back = Back to your application
offer-accept-heading = Accept the offer
offer-decline-heading = Decline the offer
offer-accept-text = By accepting, you tell us you will take up the job on these terms. We will then confirm your first day at work.
offer-accept-yes = Yes, accept the offer
offer-decline-warning = Once declined, the offer cannot be accepted later.
offer-decline-why = Why are you declining? (optional)
offer-decline-hint = This helps us improve; it does not affect any other application
offer-decline-yes = Yes, decline the offer
offer-no = No, go back
withdraw-heading = Withdraw your application for { $job }?
withdraw-text = Recruiters will no longer consider it, and you cannot undo this.
withdraw-interview = Your interview will be cancelled.
withdraw-yes = Yes, withdraw my application
withdraw-no = No, keep my application
erase-heading = Delete your account?
erase-text = This erases your name, contact details, CVs and cover letters from every application you made, and the e-mails we sent you. It cannot be undone.
erase-open = Recruiters will no longer be able to consider your { $count ->
    [one] 1 open application
   *[other] { $count } open applications
}.
erase-offer = You have an offer for { $job }. Deleting your account means we can no longer write to you about it: answer the offer first if you want the job.
erase-yes = Yes, delete my account
erase-no = No, keep my account
rule-is-not-right = is not right
rule-you-have-already-applied-to-this-job = you have already applied to this job
rule-this-job-no-longer-takes-applications = this job no longer takes applications
rule-this-link-is-not-valid-it-may-have-expired-or-been-used-already = this link is not valid: it may have expired or been used already
rule-this-offer-has-expired-and-can-no-longer-be-answered-contact-the-recruiter-if-you-still-want-the-job = this offer has expired and can no longer be answered; contact the recruiter if you still want the job
rule-the-application-s-status-changed-meanwhile-reload-it = the application's status changed meanwhile; reload it
rule-verify-your-e-mail-address-first-follow-the-link-we-sent-you-or-ask-for-a-new-one = verify your e-mail address first: follow the link we sent you, or ask for a new one
rule-we-are-receiving-more-applications-than-we-can-assess-right-now-try-again-in-n-seconds = we are receiving more applications than we can assess right now; try again in { $n1 } seconds
rule-too-many-attempts-try-again-in-n-seconds = too many attempts; try again in { $n1 } seconds
rule-must-be-smaller-than-n-mb = must be smaller than { $n1 } MB
rule-is-empty = is empty
rule-must-be-a-pdf-a-word-docx-or-a-plain-text-file = must be a PDF, a Word (DOCX) or a plain text file
rule-could-not-be-read-paste-the-text-of-your-cv-into-cv-text-instead = could not be read: paste the text of your CV into CV text instead
rule-an-account-with-this-e-mail-already-exists = an account with this e-mail already exists
pay-monthly = a month
pay-yearly = a year

## Dates, as day, month and year boxes

date-day = Day
date-month = Month
date-year = Year
date-time = Time
date-hint = For example, 27 3 2030.
date-hint-time = For example, 27 3 2030 and 17:00.

## The timeout warning

timeout-title = You will be signed out soon
timeout-text = For your security, we will sign you out in 2 minutes. Anything you have not submitted will be lost.
timeout-stay = Stay signed in
settings-email-heading = Change your e-mail address
settings-email-how = We will send a link to the new address. Your account moves to it when you follow the link; until then we keep writing to { $email }.
settings-email-password-hint = So that nobody else who finds this device signed in can take your account
settings-email-send = Send the link
settings-email-sent = We have sent a link to your new address. Follow it to move your account there.
field-new-email = New e-mail address
confirm-new-email-heading = Confirm your new e-mail address
confirm-new-email-why = Press the button to use this address for your account from now on.
confirm-new-email-button = Confirm my new e-mail address
confirm-new-email-done = Your e-mail address has been changed
confirm-new-email-next = We will write to you at your new address from now on, and you sign in with it.
confirm-new-email-again = Ask for a new link
rule-is-already-your-account-s-address = is already your account's address
rule-this-address-belongs-to-another-account-now-so-yours-cannot-move-to-it = this address belongs to another account now, so yours cannot move to it

## The pages about the service: privacy notice, accessibility statement, cookies, help.
privacy-title = Privacy notice
privacy-version = Version { $version }
privacy-who = Who is responsible for your data
privacy-controller = { $organisation } runs this service and is the data controller for the information you give it.
privacy-address = Its address is { $address }.
privacy-write = For anything about your data, including a request to see, correct or delete it, write to
privacy-what = What we keep
privacy-what-text = Your account (name, e-mail address and a hash of your password) and each application: your contact details, skills, experience, education, CV and cover letter, its assessment, and every step it goes through. If you choose to answer the equality questions on the application form, your answers too: they are kept apart from your application, never shown to recruiters or used in the assessment, and only ever counted with other candidates' answers to check that the selection treats every group fairly.
privacy-why = Why
privacy-why-text = To assess your application against the job's published requirements and to tell you about each step. An automated tool helps recruiters sift applications: it weighs your skills, experience, education and how well your CV matches the job, never your name, address, phone number or equality answers. The assessment is explained to you, recruiters can set it aside, and it never rejects anyone by itself: only a recruiter decides. You can ask for a person to review your assessment by replying to any e-mail we send you.
privacy-who-sees = Who sees it
privacy-who-sees-text = The recruiters and administrators of this service. Every time one of them opens your application is recorded, and you can see those records on the page of your data.
privacy-how-long = How long
privacy-how-long-text = Until a set period after the job closes, chosen by the organisation running this service. Then your applications are anonymised: only their reference, status and score are kept, for statistics. An application you started but did not send is deleted after a day.
privacy-rights = Your rights
privacy-rights-text = You can see and download everything we hold about you, and delete your account and applications at any time:
privacy-rights-link = your data
access-intro = { $organisation } runs this service. We want as many people as possible to be able to use it. You should be able to:
access-colours = change colours, contrast levels and fonts using your browser or device settings
access-zoom = zoom in up to 400% without the text spilling off the screen
access-keyboard = get from the start of an application to the end using just a keyboard
access-speech = get from the start of an application to the end using speech recognition software
access-screen-reader = listen to every page using a screen reader
access-languages = read every page for candidates, and every e-mail, in English or in Urdu
access-design-system = The service is built on the GOV.UK Design System, whose components are tested with people who use assistive technology.
access-how = How accessible this service is
access-how-text = Every page a candidate or a recruiter visits in our automated browser tests is checked against the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA with axe-core, in English and in Urdu, on a desktop screen and on a phone. We know some parts are not yet fully accessible:
access-known-staff = the pages for recruiters and administrators are in English only
access-known-review = the Urdu text has not yet been reviewed by a professional translator
access-cannot = What to do if you cannot use this service
access-cannot-text = If you need information in a different format, such as large print or an audio recording, or you cannot apply online, write to
access-or-call = or call { $phone }
access-reply = We will reply within 5 working days and, where a closing date is near, accept your application another way.
access-report = Reporting accessibility problems
access-report-text = If you find a problem that is not listed on this page, or think we are not meeting these standards, write to
access-compliance = Compliance status
access-compliance-text = This service is partially compliant with WCAG 2.2 at level AA, because of the problems listed above.
cookies-intro = Cookies are small files saved on your phone or computer when you visit a website. This service uses only the cookies it needs to work, so it does not ask for your consent. It uses no analytics or advertising cookies, and nothing here is shared with anyone else.
cookies-essential = Essential cookies
cookies-name = Name
cookies-purpose = Purpose
cookies-expires = Expires
cookies-session = Keeps you signed in
cookies-session-ends = When you sign out, or after { $length }
cookies-csrf = Makes sure forms you send come from this service and not another website
cookies-browser-closes = When you close your browser
cookies-language = Remembers the language you chose
cookies-a-year = After a year
contact-runs = { $organisation } runs this service.
contact-questions = Questions about an application
contact-reference = Have your application's reference ready: it starts with PVA and is in every e-mail we send you and on
contact-email = E-mail:
contact-phone = Telephone:
contact-post = Post:
contact-feedback = Feedback
contact-feedback-text = Tell us what worked and what did not. We read every message:
contact-feedback-link = send us your feedback
contact-more = More about this service

## "Your data": everything the service holds about a person, as a page.
data-title = Your data
data-intro = This is everything { $organisation } holds about you in this service: your account, each application with what happened to it, and every time someone opened your records.
data-download-page = Download this page
data-download-page-why = (a web page you can keep, print or open offline)
data-download-json = Download your data for another service
data-download-json-why = (a JSON file)
data-print = Print or save as PDF
data-yes = Yes
data-not-yet = Not yet
data-created = Account created
data-confirmed = E-mail address confirmed
data-no-applications = You have not applied for a job.
data-application-for = Your application for { $job }
data-reference = Reference
data-status = Status
data-submitted = Submitted
data-experience = Experience
data-cv-file = CV file
data-score = Score
data-score-out-of = { $score } out of 100
data-consent = Privacy notice accepted
data-assessed = How it was assessed
data-happened = What happened
data-cv-read = Your CV as we read it
data-notes = Notes staff wrote about it
data-equality = Your answers to the equality questions
data-equality-apart = Recruiters never see these; they are only ever counted with other candidates' answers.
data-access = Who has opened your records
data-nobody = Nobody yet.
data-access-caption = Every time someone opened or changed your records
data-when = When
data-who = Who
data-what = What
data-former-staff = A former member of staff
data-operator = An operator of the service
data-service = The service itself
data-did-read = Opened your application
data-did-cv = Downloaded your CV file
data-did-note = Wrote a note on your application
data-did-score = Set your application's score
data-did-scorecard = Recorded what your interview found
data-did-export = Downloaded or viewed your data
data-did-verify = Confirmed your e-mail address
data-did-reset = Reset your password
data-did-password = Changed your password
data-did-ask-email = Asked to change your e-mail address
data-did-email = Changed your e-mail address
data-did-rename = Changed your name
data-did-create = Created your account
data-did-erase = Deleted your account
data-did-other = Worked on your records
years-count = { $count ->
    [one] 1 year
   *[other] { $count } years
}
assess-required-have = Required skills you have: { $skills }
assess-required-missing = Required skills we did not find: { $skills }
assess-preferred-have = Preferred skills you have: { $skills }
assess-experience-meets = Experience: { $years }, meeting the { $minimum } asked for
assess-experience-below = Experience: { $years }, below the { $minimum } asked for
assess-education-meets = Education: { $level }, meeting the requirement
assess-education-below = Education: { $level }, below the { $required } asked for
role-applicant = applicant
role-recruiter = recruiter
role-admin = admin
role-hiring_manager = hiring manager
role-interviewer = interviewer
panel-of = a panel of { $count }: { $roles }
panel-member = { $name } ({ $role })
merit-open-merit = open merit
merit-outcome-selected = Selected for a post on { $seat }
merit-outcome-carried = Selected for a post on open merit (a post { $from } could not fill)
merit-outcome-reserve = On the reserve list for { $seat }, number { $rank }
merit-outcome-not-selected = Not selected: your position is below the last post open to you
merit-outcome-not-eligible = Not eligible under the job's rules
merit-outcome-no-test = No test mark
merit-outcome-no-interview = No interview mark: not called to interview, or absent from it
shortfall-not-declared = You have not given the facts the job's rules need.
shortfall-too-young = You are { $age } on the closing date; the lower age limit is { $min }.
shortfall-too-old = You are { $age } on the closing date; the upper age limit is { $max }.
shortfall-too-old-relaxed = You are { $age } on the closing date; the upper age limit is { $max } with { $relaxation } years' relaxation.
shortfall-domicile = The post is not open to your domicile ({ $domicile }).
shortfall-education = The post needs at least: { $needs }.
shortfall-subject = The post does not accept the subject of your qualification.
shortfall-experience = The post needs { $needs } of experience; you have { $has }.
declaration-heading = About you, for this job's rules
declaration-why = This job is filled by a public commission's rules. We judge them on the closing date from what you tell us here. These answers decide whether you are eligible; they are kept apart from the voluntary questions below.
field-date-of-birth = Date of birth
field-domicile = Domicile
declaration-domicile-hint = The province or region of your domicile certificate
field-claims = Categories you belong to
declaration-claims-hint = Select all that apply. You will be asked for proof before appointment.
field-subject = Subject of your highest qualification
declaration-choose = Choose one
problem-date-of-birth = Enter your date of birth as a real date, like 27 3 1998
eligibility-warning-title = You may not be eligible for this job
eligibility-warning-send = You can still send your application. Staff decide, and they will see the same reasons.
check-declaration = For this job's rules
rule-must-be-given-this-job-s-rules-need-your-date-of-birth-and-domicile = must be given: this job's rules need your date of birth and domicile
rule-must-be-a-real-date-of-birth-in-the-past = must be a real date of birth in the past
rule-must-name-only-the-job-s-categories = must name only the job's categories
result-heading = Your result
result-published = Published { $date }, in version { $version } of the merit list.
result-test = Test mark
result-interview = Interview mark
result-total = Total
result-position = Position in merit order
result-outcome = Result
result-public = See every result by reference
representation-until = If you think your marks or your result are wrong, you can make one representation about this list until { $date }.
representation-start = Make a representation
representation-title = Make a representation
representation-once = You can make one representation about each published list. A committee decides it, in writing, and we tell you by e-mail.
field-representation = Your representation
representation-text-hint = Say which mark or result you think is wrong, and why.
representation-send = Send the representation
representation-filed = You made a representation on { $date }: { $text }
representation-waiting = The committee has not decided it yet.
representation-upheld = Upheld on { $date }: { $reason }
representation-not-upheld = Not upheld on { $date }: { $reason }
results-title = Results: { $job }
results-back = The job
results-intro = Version { $version } of the merit list, published { $date }. Candidates are listed by their reference only.
results-none = No results have been published for this job yet.
results-fingerprint = Fingerprint (SHA-256 of the published list):
results-download = Download the published list (CSV) to check the fingerprint
results-find = Find a reference
results-find-hint = For example, PVA-7K3Q-9MXD
results-find-button = Find
results-reference = Reference
results-position = Position
results-outcome = Result
results-not-found = No line has that reference.
results-pages = Pages of results
results-previous = Previous page
results-next = Next page
