//! Account tokens: issued with their mail event, mailed once, redeemed once.

use chrono::{Duration, Utc};
use pvara_domain::event::{AccountMail, AccountMailRequested, Event};
use pvara_domain::ids::{EventId, TokenId, UserId};
use pvara_domain::user::{Email, FullName, Role};

use super::fixtures::{a_user, events_written};
use crate::Engines;
use crate::model::{NewAccountToken, NewSession, NewUser, OutboxMessage, Redemption, WorkBatch};

fn token(user_id: UserId, purpose: AccountMail, expires_in: Duration) -> NewAccountToken {
    let id = TokenId::new();
    let now = pvara_domain::time::to_stored_precision(Utc::now());
    let event = Event::AccountMailRequested(AccountMailRequested {
        user_id,
        token_id: id,
        purpose,
    });
    let envelope = event.envelope(EventId::new(), now, "/test", None).unwrap();
    NewAccountToken {
        id,
        user_id,
        purpose,
        created_at: now,
        expires_at: now + expires_in,
        message: OutboxMessage {
            topic: event.topic().name().to_owned(),
            key: Some(event.subject()),
            headers: envelope.headers(),
            value: envelope.data,
        },
        new_email: None,
    }
}

/// A change of address: mailed to the new address, which the account takes when the link is
/// followed, unless another account took it first.
async fn change_email_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let id = a_user(store, "before@example.org", Role::Applicant).await;
    let other = a_user(store, "taken@example.org", Role::Applicant).await;
    let moving = NewAccountToken {
        new_email: Some("after@example.org".to_owned()),
        ..token(id, AccountMail::ChangeEmail, Duration::hours(1))
    };
    store.issue_token(moving.clone()).await.unwrap();
    let context = store.account_mail_contexts(&[moving.id]).await.unwrap()[0]
        .clone()
        .unwrap();
    assert_eq!(context.email, "after@example.org", "mailed to the new address");
    assert_eq!(store.user(id).await.unwrap().unwrap().email, "before@example.org");
    let outcome = store
        .redeem_token(moving.id, Utc::now(), Redemption::ChangeEmail)
        .await;
    assert_eq!(outcome.unwrap(), Some(id));
    let user = store.user(id).await.unwrap().unwrap();
    assert_eq!(user.email, "after@example.org");
    assert!(user.email_verified, "proven by the mail that reached it");
    assert_eq!(store.user_by_email("before@example.org").await.unwrap(), None);

    let clash = NewAccountToken {
        new_email: Some("taken@example.org".to_owned()),
        ..token(id, AccountMail::ChangeEmail, Duration::hours(1))
    };
    store.issue_token(clash.clone()).await.unwrap();
    let outcome = store
        .redeem_token(clash.id, Utc::now(), Redemption::ChangeEmail)
        .await;
    assert!(
        matches!(outcome, Err(crate::StoreError::Conflict("email"))),
        "{outcome:?}"
    );
    assert_eq!(store.user(id).await.unwrap().unwrap().email, "after@example.org");
    assert_eq!(
        store.user(other).await.unwrap().unwrap().email,
        "taken@example.org"
    );
    assert!(
        !store.account_token(clash.id).await.unwrap().unwrap().used,
        "a refused change spends nothing"
    );
}

/// Registration writes the user, the token and its mail event together; the token is mailed
/// once, redeemed once, not after it expires; a reset changes the password, ends the sessions
/// and spends the other reset tokens.
pub async fn account_token_story(engines: &Engines) {
    change_email_story(engines).await;
    let store = engines.store.as_ref();
    let id = UserId::new();
    let verification = token(id, AccountMail::VerifyEmail, Duration::hours(1));
    let before = events_written(engines).await;
    store
        .create_user(NewUser {
            id,
            email: Email::parse("email", "new@example.org").unwrap(),
            full_name: FullName::parse("New Person").unwrap(),
            role: Role::Applicant,
            password_hash: "old".to_owned(),
            created_at: Utc::now(),
            email_verified_at: None,
            verification: Some(verification.clone()),
            language: pvara_domain::language::Language::Ur,
        })
        .await
        .unwrap();
    assert_eq!(events_written(engines).await, before + 1);
    let user = store.user(id).await.unwrap().unwrap();
    assert!(!user.email_verified);

    let contexts = store
        .account_mail_contexts(&[TokenId::new(), verification.id])
        .await
        .unwrap();
    assert!(contexts[0].is_none());
    let context = contexts[1].clone().unwrap();
    assert_eq!(context.email, "new@example.org");
    assert_eq!(
        context.language,
        pvara_domain::language::Language::Ur,
        "mailed in the language they registered in"
    );
    assert_eq!(context.token.purpose, AccountMail::VerifyEmail);
    assert!(!context.token.mailed && !context.token.used);
    store
        .apply_batch(WorkBatch {
            account_mails: vec![verification.id],
            ..WorkBatch::default()
        })
        .await
        .unwrap();
    assert!(
        store
            .account_token(verification.id)
            .await
            .unwrap()
            .unwrap()
            .mailed
    );

    let now = Utc::now();
    let redeemed = store
        .redeem_token(verification.id, now, Redemption::VerifyEmail)
        .await
        .unwrap();
    assert_eq!(redeemed, Some(id));
    assert!(store.user(id).await.unwrap().unwrap().email_verified);
    let again = store
        .redeem_token(verification.id, now, Redemption::VerifyEmail)
        .await;
    assert_eq!(again.unwrap(), None, "a token is single-use");

    let expired = token(id, AccountMail::PasswordReset, Duration::seconds(-1));
    store.issue_token(expired.clone()).await.unwrap();
    let reset = |password_hash: &str| Redemption::ResetPassword {
        password_hash: password_hash.to_owned(),
    };
    let outcome = store.redeem_token(expired.id, Utc::now(), reset("x")).await;
    assert_eq!(outcome.unwrap(), None, "an expired token opens nothing");

    let first = token(id, AccountMail::PasswordReset, Duration::hours(1));
    let second = token(id, AccountMail::PasswordReset, Duration::hours(1));
    store.issue_token(first.clone()).await.unwrap();
    store.issue_token(second.clone()).await.unwrap();
    store
        .create_session(NewSession {
            id_hash: "session-hash".to_owned(),
            user_id: id,
            csrf: "csrf".to_owned(),
            created_at: Utc::now(),
            expires_at: Utc::now() + Duration::hours(1),
        })
        .await
        .unwrap();
    let outcome = store.redeem_token(first.id, Utc::now(), reset("new")).await;
    assert_eq!(outcome.unwrap(), Some(id));
    let user = store.user(id).await.unwrap().unwrap();
    assert_eq!(user.password_hash, "new");
    assert!(user.credentials_changed_at.is_some());
    assert!(store.session("session-hash", Utc::now()).await.unwrap().is_none());
    let outcome = store.redeem_token(second.id, Utc::now(), reset("other")).await;
    assert_eq!(outcome.unwrap(), None, "a reset spends every other reset token");

    // A deactivated account keeps no way in: its pending links are spent with its sessions.
    let pending = token(id, AccountMail::PasswordReset, Duration::hours(1));
    store.issue_token(pending.clone()).await.unwrap();
    store.deactivate_user(id, Utc::now()).await.unwrap();
    let outcome = store.redeem_token(pending.id, Utc::now(), reset("after")).await;
    assert_eq!(
        outcome.unwrap(),
        None,
        "a deactivated account's link opens nothing"
    );

    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    assert!(!store.user(staff).await.unwrap().unwrap().email_verified);
    assert_eq!(
        store.verify_email("staff@example.org", Utc::now()).await.unwrap(),
        staff
    );
    assert!(store.user(staff).await.unwrap().unwrap().email_verified);
    assert!(
        store
            .verify_email("nobody@example.org", Utc::now())
            .await
            .is_err()
    );
}
