//! Applications' short references (`PVA-7K3Q-9MXD`, [`pvara_domain::reference`]): drawing a
//! new one, and finding the application a person's reference names.

use pvara_domain::ids::ApplicationId;
use pvara_domain::reference::Reference;
use pvara_storage::Store;

use super::Error;

/// How many references one submission draws before it gives up (each draw collides about once
/// in twenty thousand at tens of millions of applications).
pub(super) const DRAWS: u32 = 4;

/// A new application's short reference, at random.
pub(super) fn fresh() -> Reference {
    Reference::from_bits(rand::random())
}

/// The application `key` names: its id, or its short reference as a person typed it. What the
/// reader may see is each use case's own check; an unknown key is not found, like a missing id.
pub async fn resolve(store: &dyn Store, key: &str) -> Result<ApplicationId, Error> {
    if let Ok(id) = key.trim().parse::<ApplicationId>() {
        return Ok(id);
    }
    let reference = Reference::parse(key)?;
    store
        .application_by_reference(&reference)
        .await?
        .ok_or(Error::NotFound("application"))
}
