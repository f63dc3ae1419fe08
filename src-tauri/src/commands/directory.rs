//! The directory: organisations, Länder, Themenfelder.

use vernetzt_core::model::{Land, Organization, OrganizationInput, Themenfeld};

store_commands! {
    /// The whole directory (about 450 entries): the picker filters it in the UI.
    fn orgs_list() -> Vec<Organization> = |s| s.list_orgs(None, None);

    /// A user's own organisation, created from the picker.
    fn org_create(input: OrganizationInput) -> Organization = |s| s.create_org(&input);

    /// The 16 Länder, for the new-organisation form.
    fn lands_list() -> Vec<Land> = |s| s.lands();

    /// The 14 OZG Themenfelder, for the contact form.
    fn themenfelder_list() -> Vec<Themenfeld> = |s| s.themenfelder();
}
