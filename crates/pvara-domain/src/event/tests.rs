use super::*;

fn sample() -> Event {
    Event::ScoringComplete(Scored {
        application_id: ApplicationId::new(),
        job_id: JobId::new(),
        status: Status::UnderReview,
        ai_score: 87,
        scorer_version: "rules-1".to_owned(),
    })
}

#[test]
fn binary_mode_round_trips() {
    let event = sample();
    let envelope = event
        .envelope(EventId::new(), Utc::now(), "/pvara/test", Some("req-1"))
        .unwrap();
    let back = CloudEvent::from_record(&envelope.headers(), &envelope.data).unwrap();
    assert_eq!(back.id, envelope.id);
    assert_eq!(back.request_id.as_deref(), Some("req-1"));
    assert_eq!(Event::decode(&back).unwrap(), event);
    assert_eq!(back.subject, event.subject());
}

#[test]
fn structured_mode_round_trips() {
    let event = sample();
    let envelope = event
        .envelope(EventId::new(), Utc::now(), "/pvara/test", None)
        .unwrap();
    let json = envelope.to_structured_json().unwrap();
    assert_eq!(json["specversion"], "1.0");
    assert_eq!(json["type"], "pvara.application.scored");
    assert_eq!(json["data"]["aiScore"], 87);
    let back = CloudEvent::from_record(&[], &serde_json::to_vec(&json).unwrap()).unwrap();
    assert_eq!(Event::decode(&back).unwrap(), event);
}

#[test]
fn garbage_is_a_decode_error_not_a_panic() {
    assert!(CloudEvent::from_record(&[], b"\xff\x00not json").is_err());
    let headers = vec![
        ("ce_id".to_owned(), "nope".to_owned()),
        ("ce_specversion".to_owned(), "1.0".to_owned()),
    ];
    assert!(CloudEvent::from_record(&headers, b"{}").is_err());
    let mut envelope = sample().envelope(EventId::new(), Utc::now(), "/t", None).unwrap();
    envelope.event_type = "pvara.unknown".to_owned();
    assert_eq!(
        Event::decode(&envelope),
        Err(DecodeError::UnknownType("pvara.unknown".to_owned()))
    );
}

#[test]
fn every_topic_has_a_distinct_name_and_consumed_ones_a_dead_letter_topic() {
    let names = all_topic_names();
    assert_eq!(names.len(), 19);
    assert!(names.contains(&"application-submitted.dlq".to_owned()));
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
}

#[test]
fn account_mail_events_are_about_the_user_and_hold_no_secret() {
    let user_id = crate::ids::UserId::new();
    let event = Event::AccountMailRequested(AccountMailRequested {
        user_id,
        token_id: crate::ids::TokenId::new(),
        purpose: AccountMail::PasswordReset,
    });
    let envelope = event
        .envelope(EventId::new(), Utc::now(), "/pvara/api", None)
        .unwrap();
    assert_eq!(envelope.subject, user_id.to_string());
    assert_eq!(event.topic(), Topic::EmailNotification);
    let back = CloudEvent::from_record(&envelope.headers(), &envelope.data).unwrap();
    assert_eq!(Event::decode(&back).unwrap(), event);
    let data: serde_json::Value = serde_json::from_slice(&envelope.data).unwrap();
    // Sorted: the key order is serde_json's (insertion order where a dependency turns on its
    // `preserve_order`, as the MongoDB driver's bson does), and only the set matters here.
    let mut keys: Vec<&str> = data.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["purpose", "tokenId", "userId"]);
}
