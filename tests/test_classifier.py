from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pytest

from reviewer.classifier import classify_column
from reviewer.name_verdicts import classify
from reviewer.types import Classification, Column, Config
from reviewer.vocabulary import load_vocabulary, tokenize

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "classifier_corpus.csv"


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        pytest.param("client_secret", ("client", "secret"), id="snake_case"),
        pytest.param("oauthTokenSecret", ("oauth", "token", "secret"), id="camelCase"),
        pytest.param("APIKey", ("api", "key"), id="leading acronym stays whole"),
        pytest.param("userID", ("user", "id"), id="trailing acronym"),
        pytest.param("HTTPServerURL", ("http", "server", "url"), id="acronyms around a word"),
        pytest.param("address_line1", ("address", "line1"), id="digit stays on its word"),
        pytest.param("card_last4", ("card", "last4"), id="last4 is one token"),
        pytest.param("2fa_secret", ("2", "fa", "secret"), id="leading digits split off"),
        pytest.param("client-secret", ("client", "secret"), id="kebab-case"),
        pytest.param("__private__", ("private",), id="underscores only separate"),
        pytest.param("", (), id="empty name"),
    ],
)
def test_tokenize(name: str, tokens: tuple[str, ...]) -> None:
    assert tokenize(name) == tokens


def _c(category: str, confidence: str, reason: str) -> Classification:
    return Classification(category, confidence, reason)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "type_expr", "expected"),
    [
        # credentials, high tier from the reference list
        # zou, calibre-web, flexget (fresh development projects, 2026-12-01)
        pytest.param("chat_webhook_mattermost", "String(80)",
                     _c("credential", "high", "name 'chat_webhook_mattermost'"),
                     id="a stored incoming webhook is its URL"),
        pytest.param("webhook", "String", _c("credential", "medium", "name token 'webhook'"),
                     id="a column called webhook warns: pybossa's project.webhook is a plain "
                        "endpoint"),
        pytest.param("apprise_url", "String", _c("credential", "high", "name 'apprise_url'"),
                     id="notification-service URL"),
        pytest.param("chat_token_slack", "String(80)",
                     _c("credential", "high", "name 'chat_token_slack'"),
                     id="the service named after the head noun: a slack token"),
        pytest.param("cookies", "JSONEncodedDict", _c("credential", "high", "name token 'cookies'"),
                     id="stored session cookies"),
        pytest.param("phone", "BigInteger", _c("direct_identifier", "high", "name token 'phone'"),
                     id="a phone number kept as an integer is still one"),
        pytest.param("ldap_uid", "String(60)",
                     _c("quasi_identifier", "medium", "name 'ldap_uid'"),
                     id="a person's directory ID"),
        pytest.param("notifications_mattermost_userid", "String(60)",
                     _c("quasi_identifier", "medium", "name 'mattermost_user_id'"),
                     id="a person's chat account ID"),
        pytest.param("client_secret", "String(255)",
                     _c("credential", "high", "name 'client_secret'"), id="client_secret"),
        pytest.param("sf_client_secret", None,
                     _c("credential", "high", "name 'client_secret'"), id="vendor prefix"),
        pytest.param("apiKey", None, _c("credential", "high", "name 'api_key'"),
                     id="camelCase api key"),
        pytest.param("erp_passphrase", None, _c("credential", "high", "name token 'passphrase'"),
                     id="passphrase"),
        pytest.param("app_secret_enc", "LargeBinary",
                     _c("credential", "high", "name 'app_secret'"),
                     id="trailing enc is noise"),
        pytest.param("oauthTokenSecret", None,
                     _c("credential", "high", "name 'oauth_token_secret'"), id="oauth1 secret"),
        pytest.param("password_reset_token", None,
                     _c("credential", "high", "name 'password_reset_token'"),
                     id="longest match at the head wins"),
        pytest.param("recovery_codes", "ARRAY(String)",
                     _c("credential", "high", "name 'recovery_codes'"), id="plural"),
        pytest.param("bearer", "Text", _c("credential", "high", "name token 'bearer'"),
                     id="bearer"),
        pytest.param("signing_pem", "Text", _c("credential", "high", "name token 'pem'"),
                     id="pem suffix"),
        # credentials, medium tier
        pytest.param("token", "String(64)", _c("credential", "high", "name token 'token'"),
                     id="a column called just token holds one"),
        pytest.param("token_usage", "Text", _c("credential", "medium", "name token 'token'"),
                     id="token as a modifier is a guess"),
        pytest.param("token_hash", "String(64)", _c("credential", "high", "name 'token_hash'"),
                     id="a token's hash verifies the token"),
        pytest.param("share_token_digest", None,
                     _c("credential", "high", "name 'share_token_digest'"),
                     id="a qualified token's digest verifies it"),
        pytest.param("token_hash_algorithm", None, None,
                     id="negative: the algorithm of a token's hash is metadata"),
        pytest.param("token_hash", "Integer", None,
                     id="negative: a number holds no hash of a token"),
        pytest.param("salt", None, _c("credential", "low", "name token 'salt'"),
                     id="a salt alone is a guess"),
        # LABELING.md: key material is a credential even when public; not a block
        pytest.param("public_key", "Text", _c("credential", "medium", "name 'public_key'"),
                     id="public key is key material"),
        pytest.param("public_key_pem", "Text", _c("credential", "medium", "name token 'pem'"),
                     id="a public key's PEM is key material, not a secret"),
        pytest.param("sentry_dsn", None, _c("credential", "medium", "name token 'dsn'"),
                     id="dsn"),
        pytest.param("database_url", None,
                     _c("credential", "high", "name 'database_url'"), id="database url"),
        pytest.param("redis_url", None, _c("credential", "high", "name 'redis_url'"),
                     id="datastore url carries a password"),
        pytest.param("webhook_url", "Text", _c("credential", "high", "name 'webhook_url'"),
                     id="a webhook url embeds its token"),
        pytest.param("code_verifier", "String(128)",
                     _c("credential", "high", "name 'code_verifier'"), id="PKCE verifier"),
        pytest.param("signing_jwk", "JSON", _c("credential", "high", "name token 'jwk'"),
                     id="a JWK stored as JSON"),
        pytest.param("share_token", None, _c("credential", "high", "name 'share_token'"),
                     id="a qualified token is a token of access"),
        pytest.param("last_totp_value", "String", _c("credential", "high", "name token 'totp'"),
                     id="the last TOTP code"),
        pytest.param("avatar_url", None, _c("direct_identifier", "medium", "name token 'avatar'"),
                     id="photo link"),
        # other categories
        pytest.param("contact_email", None,
                     _c("direct_identifier", "high", "name token 'email'"), id="email"),
        pytest.param("email_address", None,
                     _c("direct_identifier", "high", "name 'email_address'"),
                     id="email address is one entry"),
        pytest.param("tax_id", None, _c("direct_identifier", "high", "name 'tax_id'"),
                     id="tax_id beats the _id negative"),
        pytest.param("last_login_ip", "INET",
                     _c("direct_identifier", "high", "name token 'ip'"), id="ip"),
        pytest.param("passport", None, _c("direct_identifier", "high", "name token 'passport'"),
                     id="passport is not pass"),
        pytest.param("user_agent", "Text",
                     _c("quasi_identifier", "high", "name 'user_agent'"),
                     id="user_agent is not a user name"),
        pytest.param("date_of_birth", "Date",
                     _c("quasi_identifier", "high", "name 'date_of_birth'"),
                     id="birthdate with a date type"),
        pytest.param("job_title", None, _c("quasi_identifier", "medium", "name 'job_title'"),
                     id="job title"),
        pytest.param("iban", None, _c("financial", "high", "name token 'iban'"), id="iban"),
        pytest.param("card_expiry", None, _c("financial", "high", "name 'card_expiry'"),
                     id="card_expiry beats the expiry negative"),
        pytest.param("salary", "Numeric", _c("financial", "medium", "name token 'salary'"),
                     id="salary is numeric but financial"),
        pytest.param("support_notes", "Text", _c("free_text", "high", "name token 'notes'"),
                     id="notes"),
        pytest.param("email_body", "Text", _c("free_text", "high", "name 'email_body'"),
                     id="head noun: an email body is text"),
        pytest.param("email_signature", "Text",
                     _c("free_text", "high", "name 'email_signature'"),
                     id="an email signature is not a crypto signature"),
        pytest.param("person_name", "String",
                     _c("direct_identifier", "high", "name 'person_name'"),
                     id="a person's name, said so (onegov: landsgemeinde_vota.person_name)"),
        pytest.param("year_of_birth", "Integer",
                     _c("quasi_identifier", "high", "name 'year_of_birth'"),
                     id="a year of birth (onegov: candidates.year_of_birth)"),
        pytest.param("date_of_death", "Date",
                     _c("quasi_identifier", "high", "name 'date_of_death'"),
                     id="a date of death (onegov: par_parliamentarians.date_of_death)"),
        pytest.param("place_of_origin", "String",
                     _c("quasi_identifier", "high", "name 'place_of_origin'"),
                     id="a Swiss place of origin, Heimatort (onegov: par_parliamentarians)"),
        pytest.param("academic_title", "String",
                     _c("quasi_identifier", "medium", "name 'academic_title'"),
                     id="an academic title (onegov: par_parliamentarians.academic_title)"),
        pytest.param("description_html", "Text",
                     _c("free_text", "medium", "name token 'description'"),
                     id="a rendered form of prose is prose"),
        pytest.param("localpart", "String(80)",
                     _c("direct_identifier", "medium", "name token 'localpart'"),
                     id="the local part of a mailbox address"),
        pytest.param("user_info", "JSONDict",
                     _c("direct_identifier", "medium", "name 'user_info'"),
                     id="IdP user info"),
        pytest.param("mail", "String(128)", _c("direct_identifier", "medium", "name token 'mail'"),
                     id="a bare mail column is an address"),
        pytest.param("cookie_id", "Unicode(255)", _c("credential", "high", "name 'cookie_id'"),
                     id="cookie_id is the cookie's value, not a reference"),
        pytest.param("co_pilot_name", "Unicode(255)",
                     _c("direct_identifier", "medium", "name 'pilot_name'"),
                     id="a co-pilot's name kept as text"),
        pytest.param("guest_name", "String(128)",
                     _c("direct_identifier", "medium", "name 'guest_name'"),
                     id="the name a meeting guest gives"),
        pytest.param("google_oauth_id", "db.String(64)",
                     _c("quasi_identifier", "medium", "name 'google_oauth_id'"),
                     id="the person's account ID at the OAuth provider (pyfedi)"),
        pytest.param("treasurer_name", "db.String",
                     _c("direct_identifier", "medium", "name 'treasurer_name'"),
                     id="a committee treasurer's name (openfec)"),
        pytest.param("custodian_name_full", "db.String",
                     _c("direct_identifier", "medium", "name 'custodian_name'"),
                     id="the custodian of records' full name (openfec)"),
        pytest.param("contributor_name", "db.String",
                     _c("direct_identifier", "medium", "name 'contributor_name'"),
                     id="a contributor's name, people and organisations in one column (openfec)"),
        pytest.param("cmt_author_name", "String",
                     _c("direct_identifier", "medium", "name 'author_name'"),
                     id="a commit author's name (augur)"),
        pytest.param("attorney_name", "db.String",
                     _c("direct_identifier", "medium", "name 'attorney_name'"),
                     id="the attorney for service, a person (strr)"),
        pytest.param("payee_name", "db.String(100)",
                     _c("direct_identifier", "medium", "name 'payee_name'"),
                     id="whom a refund is paid to (emfcamp, queue-management)"),
        pytest.param("original_maintainer", "Text()",
                     _c("direct_identifier", "medium", "name token 'maintainer'"),
                     id="a package's maintainer, 'Name <email>' (laniakea)"),
        pytest.param("uploaders", "ARRAY(Text())",
                     _c("direct_identifier", "medium", "name token 'uploaders'"),
                     id="a package's uploaders (laniakea)"),
        pytest.param("dingtalk_url", "String(128)",
                     _c("credential", "high", "name 'dingtalk_url'"),
                     id="a DingTalk robot's URL carries its access token (pity)"),
        pytest.param("maintainer_team", "String(128)", None,
                     id="a maintainer's team is a team"),
        pytest.param("group_key", "Text()", None,
                     id="a group key groups alerts, whatever its length (cabotage)"),
        pytest.param("share_uuid", "String(36)", _c("credential", "high", "name 'share_uuid'"),
                     id="the id a share link carries opens what it shares"),
        pytest.param("share_uuid_id", "Integer", None,
                     id="a reference to a share is no share link"),
        pytest.param("ciphertext", "Text", _c("credential", "high", "name token 'ciphertext'"),
                     id="ciphertext"),
        pytest.param("keypair", "Text", _c("credential", "medium", "name token 'keypair'"),
                     id="a keypair in a text column is key material"),
        pytest.param("oauth_verifier", "String(84)",
                     _c("credential", "high", "name 'oauth_verifier'"), id="an OAuth1 verifier"),
        pytest.param("encrypted_config", "Text",
                     _c("credential", "high", "name token 'encrypted'"),
                     id="a name that says encrypted"),
        pytest.param("encrypted_password", "Text",
                     _c("credential", "high", "name 'encrypted_password'"),
                     id="a sure name needs no word about encryption"),
        pytest.param("options_encrypted", "LargeBinary",
                     _c("credential", "high", "name token 'encrypted'"),
                     id="encrypted as the last word"),
        pytest.param("masterpass_check", "PgAdminDbBinaryString()",
                     _c("credential", "high", "name 'master_pass_check'"),
                     id="the check value of a master password"),
        pytest.param("desktop_login", "String(80)",
                     _c("direct_identifier", "medium", "name token 'login'"),
                     id="the name a person logs in with"),
        pytest.param("auth_context", "JsonMediumDictType()",
                     _c("credential", "high", "name 'auth_context'"),
                     id="a serialised security context carries the caller's token"),
        pytest.param("auth_value", "Text", _c("credential", "high", "name 'auth_value'"),
                     id="what a client authenticates with (mcp-context-forge)"),
        pytest.param("auth_query_params", "JSON",
                     _c("credential", "high", "name 'auth_query_params'"),
                     id="an API key sent as a query parameter (mcp-context-forge)"),
        pytest.param("key_hash", "Unicode(64)", _c("credential", "medium", "name 'key_hash'"),
                     id="a hashed key verifies a secret key"),
        pytest.param("api_key_hash", "String(64)", _c("credential", "high", "name 'api_key'"),
                     id="a hashed api key reads as the api key"),
        pytest.param("passw", "Text", _c("credential", "high", "name token 'passw'"),
                     id="passw is a password"),
        pytest.param("chaoss_login_hashword", "String",
                     _c("credential", "high", "name token 'hashword'"),
                     id="a hashword is a password hash (augur)"),
        pytest.param("aeskey", "String", _c("credential", "high", "name token 'aeskey'"),
                     id="an AES key, written as one word (fas: yubikeys.aeskey)"),
        pytest.param("aes_key_id", "String", None, id="negative: an AES key's id"),
        pytest.param("pass_code", "String(75)", _c("credential", "high", "name 'pass_code'"),
                     id="a business's passcode, two words (sbc-auth: entities.pass_code)"),
        pytest.param("keycloak_guid", "UUID(as_uuid=True)",
                     _c("quasi_identifier", "medium", "name 'keycloak_guid'"),
                     id="a person's subject ID at Keycloak (sbc-auth: users.keycloak_guid)"),
        pytest.param("idp_userid", "String(256)",
                     _c("quasi_identifier", "medium", "name 'idp_user_id'"),
                     id="a person's ID at the identity provider (sbc-auth: users.idp_userid)"),
        pytest.param("azure_ad_subject_id", "Mapped[str]",
                     _c("quasi_identifier", "medium", "name 'azure_ad_subject_id'"),
                     id="a person's subject ID at Azure AD (funding_service: "
                        "user.azure_ad_subject_id)"),
        pytest.param("subject_id", "Integer", None,
                     id="negative: a bare subject_id is a subject's key, no provider's"),
        pytest.param("idp_subject", "String(500)",
                     _c("quasi_identifier", "medium", "name 'idp_subject'"),
                     id="the subject claim at the SSO provider is an account (endurain)"),
        pytest.param("town", "String(250)", _c("quasi_identifier", "medium", "name token 'town'"),
                     id="a town, as a city (endurain: activities.town)"),
        pytest.param("matrix_id", "String",
                     _c("quasi_identifier", "medium", "name 'matrix_id'"),
                     id="a person's Matrix handle is a chat account (flowintel: user.matrix_id)"),
        pytest.param("matrix_room_id", "String", None,
                     id="negative: a Matrix room is no person's (mautrix-telegram)"),
        pytest.param("google_identity", "String",
                     _c("quasi_identifier", "medium", "name 'google_identity'"),
                     id="a person's identity at an OAuth provider is an account ID (jarr)"),
        pytest.param("mfa_key_base", "String(255)", _c("credential", "high", "name 'mfa_key'"),
                     id="an MFA key's base is the TOTP seed (n6: user.mfa_key_base)"),
        pytest.param("mfa_key_base_modified_on", "DateTime", None,
                     id="negative: when the MFA key changed"),
        pytest.param("second_factor", "JSON", _c("credential", "high", "name 'second_factor'"),
                     id="a user's second factor holds its TOTP seed or mTAN phone (onegov_a: "
                        "users.second_factor)"),
        pytest.param("second_factor_enabled", "Boolean", None,
                     id="negative: whether a second factor is on"),
        pytest.param("hashed_tan", "Text", _c("credential", "high", "name 'hashed_tan'"),
                     id="a one-time TAN's hash verifies it (onegov_a: tans.hashed_tan)"),
        pytest.param("mfa_code", "Integer", _c("credential", "high", "name 'mfa_code'"),
                     id="a one-time code kept as an integer (n6: user_spent_mfa_code)"),
        pytest.param("otp_code", "BigInteger", _c("credential", "high", "name 'otp_code'"),
                     id="a one-time code kept as a big integer"),
        pytest.param("mfa_code", "DateTime", None,
                     id="negative: a date is no one-time code"),
        pytest.param("validation_code", "Integer",
                     _c("credential", "high", "name 'validation_code'"),
                     id="the code texted to check a new phone number, an integer (makeradmin: "
                        "change_phone_number_requests.validation_code)"),
        pytest.param("validation_code", "String(16)",
                     _c("credential", "high", "name 'validation_code'"),
                     id="the code that redeems a gift card (makeradmin: webshop_gift_card)"),
        pytest.param("pin_code", "String(30)", _c("credential", "high", "name 'pin_code'"),
                     id="a member's door-keypad PIN blocks (makeradmin: membership_members; a "
                        "warning as the word pin)"),
        pytest.param("validation_status", "String(50)", None,
                     id="negative: a validation's status (mobilic: employment)"),
        pytest.param("totp", "Integer", None,
                     id="negative: an integer named for TOTP alone may count or step"),
        pytest.param("email_notification_language", "String(2)", None,
                     id="negative: the language of the e-mails is no e-mail (n6: org)"),
        pytest.param("ip_limit", "Integer", None,
                     id="negative: how many IP addresses a user may use (marzneshin: users)"),
        pytest.param("geo_table", "Unicode", None,
                     id="negative: the name of a layer's table is no location (c2cgeoportal)"),
        pytest.param("email_subject", "String(500)",
                     _c("free_text", "medium", "name token 'subject'"),
                     id="an e-mail's subject stays prose"),
        pytest.param("company_logo", "Unicode(255)", None,
                     id="negative: a company's logo is no person's employer (hasjob: jobpost)"),
        pytest.param("email_domain", "Unicode(80)", None,
                     id="negative: an e-mail domain names an organisation (hasjob: jobpost)"),
        pytest.param("gclid", "Unicode(250)",
                     _c("quasi_identifier", "medium", "name token 'gclid'"),
                     id="an ad click ID is an analytics ID (hasjob: event_session.gclid)"),
        pytest.param("senderCallsign", "String(100)",
                     _c("direct_identifier", "medium", "name token 'callsign'"),
                     id="an operator's callsign is their handle (freetakserver: Chat)"),
        pytest.param("enable_password", "db.SmallString",
                     _c("credential", "high", "name 'enable_password'"),
                     id="a device's privileged-mode password is no flag (enms: credential)"),
        pytest.param("enable_secret", "String(255)",
                     _c("credential", "high", "name 'enable_secret'"),
                     id="the hashed form of the enable password"),
        pytest.param("authentication", "sa.JSON()",
                     _c("credential", "high", "name token 'authentication'"),
                     id="a subscription's authentication holds its password"),
        pytest.param("preferred_authentication", "String(32)",
                     _c("credential", "medium", "name token 'authentication'"),
                     id="authentication inside a longer name is a warning"),
        pytest.param("creds", "String(5000)", _c("credential", "high", "name token 'creds'"),
                     id="creds are credentials"),
        pytest.param("auth_cred", "types.Json",
                     _c("credential", "high", "name token 'cred'"), id="an auth cred is one"),
        pytest.param("nick_pass", "sa.Text", _c("credential", "high", "name 'nick_pass'"),
                     id="an IRC nick's password (pagure)"),
        pytest.param("registry_pass", "String",
                     _c("credential", "high", "name 'registry_pass'"),
                     id="a container registry's password (anchore-engine)"),
        pytest.param("ht_pass", "Text", _c("credential", "high", "name 'ht_pass'"),
                     id="an HTTP basic-auth password (capev2)"),
        pytest.param("trust_id", "sa.String(36)", _c("credential", "high", "name 'trust_id'"),
                     id="a Keystone trust the service redeems as the user (heat, mistral, "
                        "sahara, blazar, magnum)"),
        pytest.param("psk", "sa.String(255)", _c("credential", "high", "name token 'psk'"),
                     id="an IPsec pre-shared key (neutron-vpnaas)"),
        pytest.param("pre_shared_key", "String", _c("credential", "high", "name 'pre_shared_key'"),
                     id="a pre-shared key, spelled out"),
        pytest.param("user_pub_key", "sa.Text", _c("credential", "medium", "name 'pub_key'"),
                     id="a public key, abbreviated (tatu: authorities.user_pub_key)"),
        pytest.param("session_key", "String(255)", _c("credential", "high", "name 'session_key'"),
                     id="a session's key (empire: agents.session_key, an AES key)"),
        pytest.param("pin", "String(80)", _c("credential", "high", "name token 'pin'"),
                     id="a column called pin holds one (xivo-dao: conference.pin)"),
        pytest.param("admin_pin", "String(80)", _c("credential", "high", "name 'admin_pin'"),
                     id="a PIN as the head noun (xivo-dao: conference.admin_pin)"),
        pytest.param("pin", "db.Integer", None, id="a GPIO pin is a number (mycodo: output.pin)"),
        pytest.param("pin1", "String(20)", _c("credential", "high", "name token 'pin1'"),
                     id="a numbered PIN is a PIN (pyhss: auc.pin1)"),
        pytest.param("password2", "String", _c("credential", "high", "name token 'password2'"),
                     id="a numbered password is a password"),
        pytest.param("address1", "String", None,
                     id="negative: only a credential word reads through its number (funnel: "
                        "venue.address1)"),
        pytest.param("auth0_id", "String",
                     _c("quasi_identifier", "medium", "name 'auth0_id'"),
                     id="a vocabulary word with a number stays itself (airweave: user.auth0_id)"),
        pytest.param("licenses_batch_token", "String", None,
                     id="negative: a batch token pages an API's results (commandment: "
                        "vpp_accounts.licenses_batch_token)"),
        pytest.param("accepted_cookies", "Text()", None,
                     id="negative: the cookies a person consented to (assembl: "
                        "agent_status_in_discussion.accepted_cookies)"),
        pytest.param("sexuality", "String", _c("quasi_identifier", "medium",
                                               "name token 'sexuality'"),
                     id="a person's sexuality (emfcamp: diversity.sexuality)"),
        pytest.param("device_udid", "String(40)",
                     _c("quasi_identifier", "medium", "name token 'udid'"),
                     id="an Apple device's UDID (commandment: device_users.device_udid)"),
        pytest.param("ki", "String(32)", _c("credential", "high", "name token 'ki'"),
                     id="a SIM's authentication key (pyhss: auc.ki)"),
        pytest.param("opc", "String(32)", _c("credential", "high", "name token 'opc'"),
                     id="a SIM's operator variant key (pyhss: auc.opc)"),
        pytest.param("project_encrypted", "INTEGER", None,
                     id="negative: an integer says whether it is encrypted (formshare: "
                        "project.project_encrypted)"),
        pytest.param("config_encrypted", "Text",
                     _c("credential", "high", "name token 'encrypted'"),
                     id="text named encrypted is the encrypted value"),
        pytest.param("_secrets_provider_fk", None, None,
                     id="negative: a foreign key to the secrets provider (cloudify-manager: "
                        "secrets._secrets_provider_fk)"),
        pytest.param("pin_saved_session_ip", "Boolean", None,
                     id="pin as a verb on a flag (skyvern)"),
        pytest.param("github_pat", "String(80)", _c("credential", "medium", "name token 'pat'"),
                     id="a personal access token at the end of the name"),
        pytest.param("openid", "sa.String(128)",
                     _c("direct_identifier", "medium", "name token 'openid'"),
                     id="an OpenID identifier is the person's profile URL (refstack: user.openid)"),
        pytest.param("open_id", "db.String(80)",
                     _c("direct_identifier", "medium", "name 'open_id'"),
                     id="open_id spelled as two words (flask-shop: a user's WeChat openid)"),
        pytest.param("nick_name", "db.String(255)",
                     _c("direct_identifier", "high", "name 'nick_name'"),
                     id="nick_name spelled as two words (flask-shop: account_user.nick_name)"),
        pytest.param("screen_name", "db.UnicodeText",
                     _c("direct_identifier", "high", "name 'screen_name'"),
                     id="a screen name is a handle (byceps: users.screen_name)"),
        pytest.param("callerid", "String(160)",
                     _c("direct_identifier", "medium", "name token 'callerid'"),
                     id="a telephone caller ID is a name and number (xivo-dao)"),
        pytest.param("cid_num", "String(80)",
                     _c("direct_identifier", "medium", "name 'cid_num'"),
                     id="a call event's caller number (xivo-dao: cel.cid_num)"),
        pytest.param("caller_id", "Integer", None,
                     id="negative: a caller_id is a reference (tracim: user_calls.caller_id)"),
        pytest.param("jwks_text", "Text", _c("credential", "high", "name 'jwks_text'"),
                     id="a key set written out as text is the key set (viaduct: oauth_client)"),
        pytest.param("private_key_content", "Text",
                     _c("credential", "high", "name 'private_key_content'"),
                     id="a private key's content is the key"),
        pytest.param("password_note", "Text", _c("free_text", "high", "name token 'note'"),
                     id="a note about a password stays prose"),
        pytest.param("welcome_code", "Unicode(255)",
                     _c("credential", "high", "name 'welcome_code'"),
                     id="a welcome link's code logs the user in (adhocracy: user.welcome_code)"),
        pytest.param("proxy_password", "String", _c("credential", "high", "name token 'password'"),
                     id="a proxy's password stays one beside its service account (poshc2)"),
        pytest.param("preimage", "Unicode(32)", _c("credential", "high", "name token 'preimage'"),
                     id="the plaintext a stored hash was made from (rootthebox: wall_of_sheep)"),
        pytest.param("social_insurance_number", "db.String",
                     _c("direct_identifier", "high", "name 'social_insurance_number'"),
                     id="Canada's social insurance number is a government ID (strr: contacts)"),
        pytest.param("auth_response", "db.JSON", _c("credential", "high", "name 'auth_response'"),
                     id="an OAuth flow's response holds its tokens (busy_beaver: "
                        "slack_installation.auth_response)"),
        pytest.param("community_string", "String(255)",
                     _c("credential", "high", "name 'community_string'"),
                     id="an SNMP community reads the device (delfin: alert_source)"),
        pytest.param("privacy_key", "String(255)",
                     _c("credential", "high", "name 'privacy_key'"),
                     id="SNMPv3's privacy key encrypts its traffic (delfin: alert_source)"),
        pytest.param("lti_user_id", "db.Unicode",
                     _c("quasi_identifier", "medium", "name 'lti_user_id'"),
                     id="the learning platform's id of the person (codegrade, lms)"),
        pytest.param("saml_name_id", "String(255)",
                     _c("quasi_identifier", "medium", "name 'saml_name_id'"),
                     id="SAML's NameID (wazo-auth: auth_saml_session)"),
        pytest.param("userdn", "String(200)",
                     _c("direct_identifier", "medium", "name token 'userdn'"),
                     id="a user's certificate DN holds their name (idds: requests)"),
        pytest.param("sortable_name", "db.String(250)",
                     _c("direct_identifier", "high", "name 'sortable_name'"),
                     id="Canvas's 'Last, First' is a student's name (quiz_extensions: user)"),
        pytest.param("pin", "String(3)", _c("credential", "high", "name token 'pin'"),
                     id="a three-character PIN is longer than a flag"),
        pytest.param("first_name_char1", "db.String(1)",
                     _c("quasi_identifier", "medium", "name 'first_name', but String(1) holds "
                                                      "an initial or a code, not the whole"),
                     id="a name's initial is no name (ppr: parties)"),
        pytest.param("address_state", "db.String(2)",
                     _c("quasi_identifier", "medium", "name token 'address', but String(2) "
                                                      "holds an initial or a code, not the "
                                                      "whole"),
                     id="an address's state code (openfec: ofec_candidate_detail_mv)"),
    ],
)
def test_classify_positive(name: str, type_expr: str | None, expected: Classification) -> None:
    assert classify(name, type_expr) == expected


@pytest.mark.parametrize(
    ("name", "type_expr"),
    [
        pytest.param("primary_key", None, id="primary_key"),
        pytest.param("key_id", None, id="key_id"),
        pytest.param("api_key_id", "Integer", id="api_key_id reference"),
        pytest.param("api_version", None, id="api_version"),
        pytest.param("secret_name", None, id="secret_name"),
        pytest.param("config_reverse_proxy_login_secret_header_name", "String",
                     id="the name of the header that carries a secret"),
        pytest.param("password_field_name", "String", id="the name of a password field"),
        pytest.param("webhook_events", "JSON", id="what a webhook fires on"),
        pytest.param("webhook_id", "Integer", id="a webhook's id"),
        pytest.param("incoming_webhook_channel", "String",
                     id="the channel a webhook posts to (deepchecks-monitoring)"),
        pytest.param("authorization_server", "UnicodeText",
                     id="the server that issued the credentials (hypothesis-lti)"),
        pytest.param("cookie_consent", "Boolean", id="cookie consent"),
        pytest.param("config_certfile", "String", id="the path of a certificate file"),
        pytest.param("private_key_file", "String", id="the path of a key file"),
        pytest.param("picture_filename", "Unicode(255)", id="a file name (LABELING.md: none)"),
        pytest.param("id_token_signed_response_alg", "String(50)",
                     id="an OpenID client's registered algorithm for its ID tokens (canaille)"),
        pytest.param("userinfo_encrypted_response_enc", "String(50)",
                     id="an OpenID client's registered encryption for userinfo (canaille)"),
        pytest.param("_password_failure_timestamps", "MutableJson",
                     id="when logins failed, for the lockout delay (canaille)"),
        pytest.param("messages_preferences", "JSON", id="settings about messages are no prose"),
        pytest.param("state_reason", "Text", id="an alarm evaluator's own explanation"),
        pytest.param("csrf_token", None, id="csrf_token"),
        pytest.param("response_headers", "JSONType()",
                     id="the headers a server answered with (invenio-webhooks)"),
        pytest.param("token_teams", "JSON",
                     id="the teams a token is scoped to (mcp-context-forge: mcp_app_sessions)"),
        pytest.param("auto_pin_tier", None,
                     id="the tier a model is pinned in, no PIN (surfsense: a catalog's key)"),
        pytest.param("passthrough_headers", "JSON",
                     id="which headers to pass on: their names (mcp-context-forge)"),
        pytest.param("remove_headers", "JSON",
                     id="which headers to strip: their names (mcp-context-forge)"),
        pytest.param("intermediate_steps", "str",
                     id="an agent's intermediate steps, no intermediate certificates (bisheng)"),
        pytest.param("saved_contacts", "Integer", id="a count of contacts is none (mautrix)"),
        pytest.param("profile", "Enum(Profile)", id="a choice of profile is none (tracim)"),
        pytest.param("token_type", None, id="token_type"),
        pytest.param("token_url", None, id="token_url"),
        pytest.param("access_token_expires_at", "DateTime", id="expires_at timestamp"),
        pytest.param("password_changed_at", "DateTime", id="password_changed_at"),
        pytest.param("card_last4", "String(4)", id="last4"),
        pytest.param("card_last_four", None, id="last four"),
        pytest.param("password_hint", None, id="hint"),
        pytest.param("password_ver", "String(16)", id="a password's revocation version"),
        pytest.param("no_auth", "Boolean", id="a no_ flag"),
        pytest.param("preferred_two_factor_authentication", "String", id="a 2FA method"),
        pytest.param("client_authentication", "String(36)", id="a TLS client-auth mode"),
        pytest.param("is_secret", None, id="is_ flag"),
        pytest.param("has_password", None, id="has_ flag"),
        pytest.param("token_count", None, id="count"),
        pytest.param("key_prefix", None, id="key prefix"),
        pytest.param("idempotency_key", None, id="idempotency key"),
        pytest.param("s3_key", None, id="object storage key"),
        pytest.param("keyword", None, id="keyword is not key"),
        pytest.param("email_verified", None, id="verified flag without is_"),
        pytest.param("mfa_enabled", None, id="enabled flag"),
        pytest.param("product_name", None, id="product name is not a person"),
        pytest.param("title", None, id="title alone"),
        pytest.param("secret_arn", None, id="reference to a vault"),
        pytest.param("next_page_token", None, id="a pagination cursor"),
        pytest.param("jwks_uri", "String(512)", id="where the public keys are served"),
        pytest.param("owner_org", "UnicodeText", id="an owner_org is an organisation"),
        pytest.param("mail_server", "String(128)", id="a mail server is no address"),
        pytest.param("keypair", "String(255)", id="key material does not fit in 255 characters"),
        pytest.param("certificate", "sa.String(length=64)", id="a certificate's name"),
        pytest.param("kek_label", "String(255)", id="the label of a key-encryption key"),
        pytest.param("api_key_label", "String(64)", id="the label of an api key"),
        pytest.param("password_policy_special_chars", "Text",
                     id="the rules a password must follow (iris-web)"),
        pytest.param("passwordProtected", "String(100)",
                     id="whether a password guards the row (freetakserver: mission)"),
        pytest.param("expect_password_prompt", "db.SmallString",
                     id="the prompt a device shows before the password (enms: netmiko services)"),
        pytest.param("enable_password_login", "String(5)",
                     id="a flag prefix still makes a flag of a longer name"),
        pytest.param("enable_mfa", "String(5)", id="a flag spelled as a string (enable_)"),
        pytest.param("credential_regex_password", "String",
                     id="a regular expression a captured password must match (king-phisher)"),
        pytest.param("postal_code_regex", "String(255)",
                     id="a postcode's shape is no postcode (funnel)"),
        pytest.param("encrypted_at", "DateTime", id="when it was encrypted"),
        pytest.param("volume_encrypted", "Boolean", id="whether it is encrypted"),
        pytest.param("is_encrypted", "String(5)", id="a flag spelled as a string"),
        pytest.param("session_id", "String(255)", id="a session id alone is a reference"),
        pytest.param("sub_status_message", "String(255)", id="a machine-made status message"),
        pytest.param("race_preventer", "Integer", id="a race-condition counter"),
        pytest.param("text_color", "String(7)", id="a styling attribute named after text"),
        pytest.param("email_attribute", "String",
                     id="the LDAP attribute that holds the e-mail (wizarr)"),
        pytest.param("user_email_attribute", "String(64)",
                     id="the LDAP attribute that holds the user's e-mail (wazo-auth)"),
        pytest.param("username_attr", "String", id="an attribute's name, abbreviated"),
        pytest.param("content_length", None, id="a quantity named after content"),
        pytest.param("comment_sort_order_default", "String(20)",
                     id="how comments are ordered is a choice (tildes: users)"),
        pytest.param("feedback", "ENUM(FeedbackOption)",
                     id="a PostgreSQL ENUM holds one of its labels, no prose"),
        pytest.param("customize_token_strategy", "EnumText(CustomizeTokenStrategy, length=255)",
                     id="a project's enum stored as text holds one of its members (dify: sites)"),
        pytest.param("description_vector", "TSVECTOR", id="a search vector"),
        pytest.param("search_text", "TSVectorType", id="a search vector by its type"),
        pytest.param("user_pin_iv", "Unicode(32)", id="the IV stored beside an encrypted pin"),
        pytest.param("key_iv", "Unicode(32)", id="the IV stored beside an encrypted key"),
        pytest.param("auth_source", "String(16)", id="where a login is checked (internal, ldap)"),
        pytest.param("key_alias", "Text", id="what the operator calls a key (pacu: aws_key)"),
        pytest.param("proxy_username", "String",
                     id="the proxy's service account (poshc2: c2_server)"),
        pytest.param("jump_username", "db.SmallString",
                     id="a jump host's service account (enms: netmiko services)"),
        pytest.param("auth_config_class", "String",
                     id="the class name of an auth config (airweave: auth_provider)"),
        pytest.param("human_feedback_custom_shortcut_labels", "JSON",
                     id="labels offered for feedback are no prose (evidently: datasets)"),
        pytest.param("api_key_tags", "JSON", id="a key's tags are not the key"),
        pytest.param("auth_mode", "String(16)",
                     id="how a tunnel authenticates, 'psk' (neutron-vpnaas)"),
        pytest.param("LinOtpTokenSerialnumber", "Unicode(40)",
                     id="a token's serial number (linotp: Token)"),
        pytest.param("token_serial_number", "String(40)", id="a token's serial, in words"),
        pytest.param("LinOtpTokenDesc", "Unicode(80)",
                     id="a token's description is about it, not it (linotp: Token)"),
        pytest.param("mfa_auth", "String(64)", id="the name of an MFA method"),
        pytest.param("credential_id_hash", "String(256)",
                     id="a hash of a credential's ID looks the ID up"),
        pytest.param("handle_missing_data", "Unicode(255)", id="handle as a verb"),
        pytest.param("login_method", "String(20)", id="a login method is about logins"),
        pytest.param("lock_token", "UUIDType(binary=False)", id="a row lock's fencing token"),
        pytest.param("lock_owner", "String(100)", id="the worker holding a row lock"),
        pytest.param("email_from", "Text", id="the application's own sender address"),
        pytest.param("email_from_name", "UnicodeText()", id="the sender name of a group's mail"),
        pytest.param("camera_max_age", "Integer", id="a limit on how old data may be"),
        pytest.param("cvss2_authentication", "Text", id="a CVSS metric of a vulnerability"),
        pytest.param("prompt_tokens", None, id="a language model's prompt token count"),
        pytest.param("completion_tokens", None, id="a language model's completion token count"),
        pytest.param("tokens_consumed", None, id="a language model's usage, as a JSON key"),
        pytest.param("ag.metrics.tokens", None,
                     id="a trace's token counts, as a nested JSON key's path (agenta)"),
        pytest.param("ssh_search_key", "String(60)", id="a fingerprint to look a key up by"),
        pytest.param("boarding_pass", "String(20)", id="a pass no account owns is a ticket"),
        pytest.param("consumer_key", "sa.Unicode",
                     id="an OAuth1 consumer key is the client's identifier (hypothesis/lms)"),
        pytest.param("pat_bastions", "sa.String(70)",
                     id="pat before the head noun is no access token (tatu: port-address "
                        "translation bastions)"),
        pytest.param("username_glob", "Text",
                     id="a pattern of user names is a rule, not a name (lvfs: vendors)"),
        pytest.param("user_agent_glob", "Text",
                     id="a pattern of user agents is a rule (lvfs: firmware_limits)"),
        pytest.param("parent_fullname", "Integer",
                     id="a full name cannot be an integer: the parent's id (ruqqus)"),
        pytest.param("volume_email", "db.Integer()",
                     id="an e-mail address cannot be an integer: a count (notifications-api)"),
        pytest.param("signature", "TEXT()",
                     id="a signature proves, it opens nothing (socorro: reports.signature, a "
                        "crash's function; lvfs: hsi_reports.signature)"),
        pytest.param("signature", "CITEXT()", id="a crash signature as citext (socorro)"),
        pytest.param("rabbitmq_username", "Text",
                     id="the broker login generated per agent is a service account's "
                        "(cloudify-manager: agents.rabbitmq_username)"),
        pytest.param("bot_username", "String(255)",
                     id="a chat bot's handle is a program's (surfsense)"),
        pytest.param("cifs_srv_bindip", "sa.MultiSelectField()",
                     id="the address a service listens on is the machine's (truenas)"),
        pytest.param("options", "JSON(encrypted=False)",
                     id="a type told not to encrypt is no encrypted type"),
        pytest.param("password_complexity_ruleset", "sa.JSON(set)",
                     id="which characters a password needs is a rule, not a password (truenas)"),
        pytest.param("auth_type", "String(20)",
                     id="the kind of authentication a client uses (mcp-context-forge: "
                        "gateways.auth_type, beside its auth_value)"),
        pytest.param("auth_protocol", "String(255)",
                     id="the algorithm a key is used with (delfin: alert_source.auth_protocol)"),
        pytest.param("github_state", "db.String(36)",
                     id="the OAuth state of linking a GitHub account, no handle (busy_beaver: "
                        "github_summary_user.github_state)"),
    ],
)
def test_classify_negative(name: str, type_expr: str | None) -> None:
    assert classify(name, type_expr) is None


@pytest.mark.parametrize(
    ("name", "type_expr", "expected"),
    [
        pytest.param("stored_value", "StringEncryptedType(String, key, AesEngine)",
                     _c("credential", "high", "encrypted column type 'StringEncryptedType'"),
                     id="encrypted type alone"),
        pytest.param("token", "EncryptedType(String)",
                     _c("credential", "high",
                        "name token 'token' and encrypted column type 'EncryptedType'"),
                     id="encrypted type raises a medium name"),
        pytest.param("token", "UUID(as_uuid=True)", _c("credential", "high", "name token 'token'"),
                     id="a random UUID named token is one (Magpie: tmp_tokens.token)"),
        pytest.param("ssn", "EncryptedType(String)",
                     _c("direct_identifier", "high", "name token 'ssn'"),
                     id="encrypted identifier stays an identifier"),
        pytest.param("client_cert_der", "sa.LargeBinary",
                     _c("credential", "high",
                        "name token 'der' on binary column type 'LargeBinary'"),
                     id="binary certificate"),
        pytest.param("metadata", "postgresql.JSONB",
                     _c("free_text", "medium",
                        "JSON blob 'metadata' of type 'JSONB' may hold user data"),
                     id="json metadata"),
        pytest.param("raw_response", "MutableDict.as_mutable(JSONB)",
                     _c("free_text", "medium",
                        "JSON blob 'raw_*' of type 'JSONB' may hold user data"),
                     id="raw_ prefix"),
        pytest.param("payload", None,
                     _c("free_text", "low", "blob name 'payload' may hold user data"),
                     id="blob name with unknown type"),
        pytest.param("extra_http_headers", "JSON",
                     _c("credential", "medium", "blob name 'extra_http_headers' of type 'JSON': "
                        "headers carry credentials (Authorization, API keys, cookies)"),
                     id="request headers in a JSON blob (skyvern: tasks.extra_http_headers)"),
        pytest.param("json_headers", "Text",
                     _c("credential", "medium", "blob name 'json_headers' of a text type: "
                        "headers carry credentials (Authorization, API keys, cookies)"),
                     id="request headers as text (mycodo: camera.json_headers)"),
        pytest.param("data", 'SecretDataJson(os.environ.get("MINDSDB_DATA_ENCRYPTION_TYPE"))',
                     _c("credential", "high", "column type 'SecretDataJson' is named for secrets"),
                     id="a type named for secrets (mindsdb: integration.data)"),
        pytest.param("user_key", "sa.Text",
                     _c("credential", "high", "name 'user_key' ends in 'key' on type 'Text': "
                        "a key that long is key material, not a lookup key"),
                     id="a key in unbounded text is key material (tatu: the CA's private key)"),
        pytest.param("verification_keys", "Text",
                     _c("credential", "medium", "name 'verification_keys' ends in 'keys' on type "
                        "'Text': a key that long is key material, not a lookup key"),
                     id="a set of keys in text warns: it may hold references (keylime: "
                        "ima_sign_verification_keys)"),
        pytest.param("revocation_key", "String(2800)",
                     _c("credential", "high", "name 'revocation_key' ends in 'key' on a string "
                        "of 2800 characters: a key that long is key material, not a lookup key"),
                     id="a key in a long string is key material (keylime: verifiermain)"),
        pytest.param("user_key", "String(255)", _c("credential", "low", "name token 'key'"),
                     id="a short key stays a guess: a lookup or business key"),
        pytest.param("labels_key", "Text", _c("credential", "low", "name token 'key'"),
                     id="a key after a plural stays a guess: it looks up a set (privacyidea: "
                        "metric_aggregate.labels_key)"),
        pytest.param("key", "sa.UnicodeText()", _c("credential", "low", "name token 'key'"),
                     id="a bare key in text stays a guess: a settings row's key"),
        pytest.param("IDToken", "dict[str, Any]",
                     _c("direct_identifier", "medium", "name 'id_token' on a dict column: an ID "
                        "token's claims, decoded (who the person is), not the signed token"),
                     id="an ID token kept as a mapping is its claims (diracx)"),
        pytest.param("id_token", "Text", _c("credential", "high", "name 'id_token'"),
                     id="an ID token kept as text is the signed token"),
    ],
)
def test_type_evidence(name: str, type_expr: str, expected: Classification) -> None:
    assert classify(name, type_expr) == expected


@pytest.mark.parametrize(
    ("name", "type_expr"),
    [
        pytest.param("token", "Boolean", id="a boolean holds no secret"),
        pytest.param("secret", "Integer", id="an integer holds no secret"),
        pytest.param("notes", "DateTime", id="a timestamp holds no text"),
        pytest.param("metadata", "String(32)", id="a short string named metadata is a label"),
        pytest.param("photo", "Boolean", id="boolean beats any name"),
        pytest.param("headers", None, id="headers the code reads from a blob are no blob column"),
        pytest.param("kind", 'SQLEnum(SecretKind, name="secretkind_enum")',
                     id="a secret's kind: the type's argument is named for secrets, not the type"),
        pytest.param("kind", "models.SecretKind",
                     id="a type named for a kind of secret names the kind (renku-data-services: "
                        "secrets.kind)"),
        pytest.param("secrets_mount_directory", "PurePosixPathType",
                     id="where secrets are mounted, not a secret (renku-data-services)"),
        pytest.param("subtitle", "String", id="a sub-word in a longer name is nobody's subject"),
        pytest.param("totp_identifier", "String",
                     id="which one-time code stream, not the code (skyvern: e-mail or phone)"),
        pytest.param("verification_code_identifier", "String",
                     id="the identifier a run waits on, not the code"),
        pytest.param("secret", "CHAR(1)",
                     id="a character flags a secret entry (ruoyi_vue3_fastapi: sys_plugin_config)"),
        pytest.param("last_password_changed_time", "TimeZone",
                     id="when a password changed, in a project's own date type "
                        "(fastapi_best_architecture: sys_user)"),
        pytest.param("token_create_date", "String(32)", id="when a token was made, as text"),
        pytest.param("brokerage_error_diag", "String(250)",
                     id="brokerage is not broker + age (idds: contents_ext)"),
    ],
)
def test_type_rules_out(name: str, type_expr: str) -> None:
    assert classify(name, type_expr) is None


# LABELING.md's lists, item by item, in the ways real code spells them: snake_case, camelCase,
# concatenated (split against the vocabulary), abbreviated, and by type.
@pytest.mark.parametrize(
    ("name", "type_expr", "expected"),
    [
        pytest.param("otpkey", "String(2800)", _c("credential", "high", "name 'otp_key'"),
                     id="otp seed: concatenated otpkey"),
        pytest.param("otpKey", None, _c("credential", "high", "name 'otp_key'"),
                     id="otp seed: camelCase otpKey"),
        pytest.param("otp_key", None, _c("credential", "high", "name 'otp_key'"),
                     id="otp seed: a key of a credential kind takes its confidence"),
        pytest.param("auth_key", None, _c("credential", "medium", "name 'auth_key'"),
                     id="a key qualified by a medium word stays medium"),
        pytest.param("public_otp_key", None, _c("credential", "medium", "name 'otp_key'"),
                     id="a public key of a credential kind warns"),
        pytest.param("clientsecret", None, _c("credential", "high", "name 'client_secret'"),
                     id="oauth client secret: concatenated"),
        pytest.param("clientSecrets", None, _c("credential", "high", "name 'client_secrets'"),
                     id="oauth client secret: camelCase plural"),
        pytest.param("accesstoken", None, _c("credential", "high", "name 'access_token'"),
                     id="access token: concatenated"),
        pytest.param("userpassword", None, _c("credential", "high", "name token 'password'"),
                     id="password: concatenated with its owner"),
        pytest.param("pwdhash", None, _c("credential", "high", "name token 'pwd'"),
                     id="password hash: abbreviated and concatenated"),
        pytest.param("privatekey", "Text", _c("credential", "high", "name 'private_key'"),
                     id="private key: concatenated (cinder ssh_utils privatekey)"),
        pytest.param("licence_key", None, _c("credential", "high", "name 'licence_key'"),
                     id="licence key: British spelling"),
        pytest.param("invitation_code", None,
                     _c("credential", "high", "name 'invitation_code'"), id="invitation code"),
        pytest.param("activation_key", None,
                     _c("credential", "high", "name 'activation_key'"), id="activation key"),
        pytest.param("tls_key", "Text", _c("credential", "high", "name 'tls_key'"),
                     id="TLS private key"),
        pytest.param("dkim_key", "Text", _c("credential", "high", "name 'dkim_key'"),
                     id="DKIM signing key"),
        pytest.param("ssh_key", "Text", _c("credential", "medium", "name 'ssh_key'"),
                     id="SSH key: usually the public half, a warning"),
        pytest.param("sshkey", "Text", _c("credential", "medium", "name 'ssh_key'"),
                     id="SSH key: concatenated"),
        pytest.param("csr", "Text", _c("credential", "medium", "name token 'csr'"),
                     id="certificate signing request"),
        pytest.param("plaintext", "String(256)",
                     _c("credential", "medium", "name token 'plaintext'"),
                     id="a hash's recovered plaintext (hashview: hashes.plaintext)"),
        pytest.param("plain_text", "String", _c("free_text", "medium", "name token 'text'"),
                     id="a licence's plain text is prose, two words"),
        pytest.param("pubkey", "Text", _c("credential", "medium", "name token 'pubkey'"),
                     id="public key: abbreviated"),
        pytest.param("pubkey", "LargeBinary",
                     _c("credential", "high",
                        "name token 'pubkey' on binary column type 'LargeBinary'"),
                     id="public key: abbreviated, binary"),
        pytest.param("ed25519_public_key", "bytes",
                     _c("credential", "high", "name token 'key' on binary column type 'bytes'"),
                     id="a Mapped[bytes] key is binary key material (hyperion)"),
        pytest.param("pkcs12", "LargeBinary", _c("credential", "high", "name token 'pkcs12'"),
                     id="PKCS#12 bundle"),
        pytest.param("data", "PasswordType",
                     _c("credential", "high", "password-hash column type 'PasswordType'"),
                     id="sqlalchemy-utils PasswordType whatever the name"),
        pytest.param("secret", "PasswordType(schemes=['pbkdf2_sha512'])",
                     _c("credential", "high", "name token 'secret'"),
                     id="PasswordType on a sure name adds nothing"),
        pytest.param("options", "EncryptedJSON(key)",
                     _c("credential", "high", "encrypted column type 'EncryptedJSON'"),
                     id="encrypted options: a project's own Encrypted* type"),
        pytest.param("attributes", "sa.JSON(dict, encrypted=True)",
                     _c("credential", "high", "column type JSON with encrypted=True"),
                     id="a type that encrypts by keyword (truenas: cloud credentials' attributes)"),
        pytest.param("bsdusr_unixhash", "sa.String(128)",
                     _c("credential", "high", "name token 'unixhash'"),
                     id="an account's crypt(3) password hash (truenas)"),
        pytest.param("snmp_community", "sa.String(120)",
                     _c("credential", "high", "name 'snmp_community'"),
                     id="SNMP's shared community string (truenas)"),
        pytest.param("realname", "String(255)",
                     _c("direct_identifier", "high", "name token 'realname'"),
                     id="person name: realname"),
        pytest.param("ipaddr", None, _c("direct_identifier", "high", "name token 'ip'"),
                     id="IP address: concatenated"),
        pytest.param("redis_uri", None, _c("credential", "high", "name 'redis_uri'"),
                     id="DSN: uri reads as url"),
        pytest.param("broker_uri", "Text", _c("credential", "high", "name 'broker_uri'"),
                     id="broker URI with its password"),
        pytest.param("smtp_pass", None, _c("credential", "high", "name 'smtp_pass'"),
                     id="pass: short for password at the end of a name"),
        pytest.param("hashedpass", None, _c("credential", "high", "name 'hashed_pass'"),
                     id="pass: concatenated (ckan hashed_pass)"),
        pytest.param("pass", "String(128)", _c("credential", "medium", "name token 'pass'"),
                     id="pass alone warns"),
        pytest.param("ldap_bind_pass", None, _c("credential", "high", "name 'ldap_bind_pass'"),
                     id="pass: after a system word"),
        pytest.param("season_pass", "String(32)", None, id="pass: a season pass is a ticket"),
        pytest.param("boarding_pass", "Text", None, id="pass: a boarding pass is a ticket"),
        pytest.param("first_pass", "Boolean", None, id="pass: a first pass is no password"),
        pytest.param("provider_auth", "String(255)",
                     _c("credential", "high", "name 'provider_auth'"),
                     id="auth: a provider's login (cinder)"),
        pytest.param("external_auth", "String", None,
                     id="auth: which kind of login a user has (newspipe)"),
        pytest.param("hotp_seed", None, _c("credential", "high", "name token 'hotp'"),
                     id="an HOTP seed"),
        pytest.param("jwk_set", "JSON", _c("credential", "high", "name 'jwk_set'"),
                     id="a JWK set is the keys, not metadata about them"),
        pytest.param("oneTimeCode", None, _c("credential", "high", "name 'one_time_code'"),
                     id="a one-time code, camelCase"),
        pytest.param("pkce_verifier", None, _c("credential", "high", "name 'pkce_verifier'"),
                     id="a PKCE verifier by its protocol's name"),
        pytest.param("security_code", "Unicode(256)",
                     _c("credential", "high", "name 'security_code'"),
                     id="a security code mailed for validation and reset links"),
        pytest.param("validation_nonce", "String(200)",
                     _c("credential", "high", "name 'validation_nonce'"),
                     id="a nonce mailed to validate an account action (c2corg_v6_api)"),
        pytest.param("hosted_invoice_url", "Text",
                     _c("credential", "medium", "name 'hosted_invoice_url'"),
                     id="capability: a hosted invoice URL warns"),
    ],
)
def test_labeling_spec_credentials(name: str, type_expr: str | None,
                                   expected: Classification | None) -> None:
    assert classify(name, type_expr) == expected


@pytest.mark.parametrize(
    ("name", "type_expr", "expected"),
    [
        pytest.param("github_id", "String(64)",
                     _c("quasi_identifier", "medium", "name 'github_id'"),
                     id="an account ID at an identity provider"),
        pytest.param("github_id", "Integer",
                     _c("quasi_identifier", "medium", "name 'github_id'"),
                     id="an account ID at an identity provider, as a number"),
        pytest.param("slackUserId", None,
                     _c("quasi_identifier", "medium", "name 'slack_user_id'"),
                     id="an account ID at a chat provider, camelCase"),
        pytest.param("oidc_sub", None, _c("quasi_identifier", "medium", "name 'oidc_sub'"),
                     id="the OIDC subject"),
        pytest.param("employee_number", None,
                     _c("quasi_identifier", "medium", "name 'employee_number'"),
                     id="employee number"),
        pytest.param("employee_id", None,
                     _c("quasi_identifier", "medium", "name 'employee_id'"),
                     id="an employee ID is no reference"),
        pytest.param("honorific", None,
                     _c("quasi_identifier", "medium", "name token 'honorific'"), id="honorific"),
        pytest.param("card_fingerprint", None,
                     _c("quasi_identifier", "medium", "name 'card_fingerprint'"),
                     id="card fingerprint"),
        pytest.param("analytics_id", None,
                     _c("quasi_identifier", "medium", "name 'analytics_id'"), id="analytics ID"),
        pytest.param("stripe_customer_id", None, None,
                     id="negative: a payment processor's object ID"),
        pytest.param("middle_initial", "String(30)",
                     _c("direct_identifier", "high", "name 'middle_initial'"),
                     id="a middle initial is part of a name"),
        pytest.param("skype_id", "String",
                     _c("quasi_identifier", "medium", "name 'skype_id'"),
                     id="an account ID at a chat service: Skype"),
        pytest.param("irc_id", "String", _c("quasi_identifier", "medium", "name 'irc_id'"),
                     id="an account ID at a chat service: IRC"),
    ],
)
def test_labeling_spec_identifiers(name: str, type_expr: str | None,
                                   expected: Classification | None) -> None:
    assert classify(name, type_expr) == expected


@pytest.mark.parametrize(
    ("name", "type_expr"),
    [
        pytest.param("client_id", "EncryptedType(String, key)",
                     id="an OAuth client ID, even encrypted"),
        pytest.param("clientid", None, id="client ID: concatenated"),
        pytest.param("apikeyid", None, id="a key ID splits to a reference"),
        pytest.param("keytype", None, id="a key type splits to metadata"),
        pytest.param("nonce", "Text", id="OIDC nonce"),
        pytest.param("state", "String(64)", id="OAuth state"),
        pytest.param("code_challenge", "Text", id="PKCE code challenge"),
        pytest.param("key_prefix", None, id="key prefix"),
        pytest.param("promo_code", None, id="promo code"),
        pytest.param("keyboard", None, id="an English word is not split into key + board"),
        pytest.param("plugins", None, id="short words do not split: not plug + in"),
        pytest.param("dataset", None, id="dataset splits to nothing sensitive"),
        pytest.param("pass_through", None, id="pass only at the end of a name"),
        pytest.param("pass_rate", "Float", id="a pass rate is a number"),
        pytest.param("bypass", None, id="bypass is not by + pass"),
        pytest.param("redirect_uri", "Text", id="an OAuth redirect URI"),
        pytest.param("jwks_uri", None, id="jwks_uri says where keys are served, as jwks_url"),
        pytest.param("stripe_token", "String", id="a payment processor's card token"),
        pytest.param("paypal_token", "String", id="a payment processor's checkout token"),
        pytest.param("payment_token", "String(4096)", id="a payment service's invoice token"),
    ],
)
def test_labeling_spec_not_credentials(name: str, type_expr: str | None) -> None:
    assert classify(name, type_expr) is None


def test_config_extends_and_ignores() -> None:
    config = Config(
        root=".",
        sensitive_names=(("credential", ("sf_refresh", "ptk")),
                         ("free_text", ("csrf_token",))),
        ignore_names=("client_secret", "*_legacy_token"),
    )
    vocab = load_vocabulary(config)
    got = {n: classify(n, None, vocab) for n in
           ("sf_refresh", "vendor_ptk", "csrf_token", "client_secret", "old_legacy_token", "token")}
    assert got == {
        "sf_refresh": _c("credential", "high", "configured name 'sf_refresh'"),
        "vendor_ptk": _c("credential", "high", "configured name 'ptk'"),
        # the user's own word beats the shipped negative list
        "csrf_token": _c("free_text", "high", "configured name 'csrf_token'"),
        "client_secret": None,
        "old_legacy_token": None,
        "token": _c("credential", "high", "name token 'token'"),
    }
    # the shipped vocabulary is unchanged for callers without config
    assert classify("client_secret") == _c("credential", "high", "name 'client_secret'")


def _column(name: str, type_expr: str | None, attribute: str | None = None) -> Column:
    return Column(table="netsuite_connections", column=name, class_name="NetSuiteConnection",
                  attribute=attribute or name, path="app/models.py", line=12, type=type_expr,
                  nullable=True, unique=False, primary_key=False)


@pytest.mark.parametrize(
    ("column", "category", "confidence"),
    [
        pytest.param(_column("client_secret", "String"), "credential", "high", id="secret"),
        pytest.param(_column("created_at", "DateTime"), None, None, id="not sensitive"),
        pytest.param(_column("col_7", "Text", attribute="api_key"), "credential", "high",
                     id="attribute name when the db name says nothing"),
    ],
)
def test_classify_column(column: Column, category: str | None, confidence: str | None) -> None:
    out = classify_column(column)
    assert (out.category, out.confidence) == (category, confidence)
    assert out.column == column.column and out.line == column.line


HOLDOUT = CORPUS.parent / "classifier_holdout.csv"


@pytest.mark.parametrize(
    ("path", "min_rows"),
    [
        pytest.param(CORPUS, 320, id="development corpus (the vocabulary was tuned on it)"),
        # Written blind to the classifier and never tuned on: the honest figure. If a change
        # drops it below target, fix the vocabulary in general terms, not for these names.
        pytest.param(HOLDOUT, 300, id="blind held-out corpus"),
    ],
)
def test_corpus_meets_targets(path: Path, min_rows: int) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= min_rows
    assert sum(1 for r in rows if r["expected"] == "none") >= 100
    pred = {r["name"]: classify(r["name"], r["type"] or None) for r in rows}
    cred_tp = sum(1 for r in rows if r["expected"] == "credential"
                  and (c := pred[r["name"]]) is not None and c.category == "credential")
    cred_pred = sum(1 for c in pred.values() if c is not None and c.category == "credential")
    cred_true = sum(1 for r in rows if r["expected"] == "credential")
    assert cred_tp / cred_pred >= 0.9 and cred_tp / cred_true >= 0.9
    tp = sum(1 for r in rows if r["expected"] != "none" and pred[r["name"]] is not None)
    fp = sum(1 for r in rows if r["expected"] == "none" and pred[r["name"]] is not None)
    fn = sum(1 for r in rows if r["expected"] != "none" and pred[r["name"]] is None)
    assert 2 * tp / (2 * tp + fp + fn) >= 0.8


def test_vocabulary_has_no_empty_or_contradictory_entries() -> None:
    vocab = load_vocabulary()
    assert all(t.tokens for t in vocab.terms)
    positives = {t.tokens for t in vocab.terms}
    assert not positives & set(vocab.negative_phrases)


# --- context: what a reviewer reads besides the name ------------------------------------------

_HEAD = """\
import datetime
from sqlalchemy import (JSON, Boolean, Column, DateTime, ForeignKey, Integer, LargeBinary, String,
                        Text, Unicode)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
class Base(DeclarativeBase):
    pass
"""


def _judge(body: str, table: str, column: str) -> tuple[str | None, str | None, str | None]:
    """(category, confidence, evidence) of one column of a small model file, in context."""
    from reviewer.inventory import build_inventory
    from reviewer.review import classify_inventory
    from reviewer.sources import MemoryTree

    tree = MemoryTree({"app/models.py": _HEAD + textwrap.dedent(body)})
    inventory = build_inventory(tree, Config(root="/repo"), use_cache=False)
    assert not inventory.errors
    c = classify_inventory(inventory, load_vocabulary()).by_key()[(table, column)]
    return c.category, c.confidence, c.evidence


_STAFF = """
    class Person(Base):
        __tablename__ = "person"
        id = Column(Integer, primary_key=True)
        seniority = Column(ChoiceType(SENIORITY_TYPES))
        position = Column(ChoiceType(POSITION_TYPES))
        timezone = Column(TimezoneType(backend="pytz"))
        institution = Column(String(254))
    class Forum(Base):
        __tablename__ = "forums"
        id = Column(Integer, primary_key=True)
        position = Column(Integer)
        timezone = Column(String(50))
        company = Column(String(80))
    class UserProfile(Base):
        __tablename__ = "userprofile"
        id = Column(Integer, primary_key=True)
        picture_url = Column(Unicode(255))
        picture = Column(String(255))
    """


_SEALED = """
    class BlockDocument(Base):
        __tablename__ = "block_document"
        id = Column(Integer, primary_key=True)
        name = Column(String)
        data = Column(JSON)
        dsn = Column(String(64))
        ssn = Column(String(11))
        def seal(self, session, data):
            {write}
    """


_USER_STORE = """
    class Admin(Base):
        __tablename__ = "admin"
        id = Column(Integer, primary_key=True)
        username = Column(Unicode(120), unique=True)
    class TokenOwner(Base):
        __tablename__ = "tokenowner"
        id = Column(Integer, primary_key=True)
        user_id = Column(Unicode(320))
        resolver = Column(Unicode(120))
    class Challenge(Base):
        __tablename__ = "challenge"
        id = Column(Integer, primary_key=True)
        serial = Column(Unicode(40), default='', index=True)  # the token's serial
        expiration = Column(DateTime)
    """


def _external_account(name: str) -> tuple[str, str, str]:
    """The verdict on a string user id where the repository keeps no accounts (Keystone's)."""
    return ("quasi_identifier", "medium", f"name '{name}' on a String column with no foreign "
            "key, and no table of users: an account at an external identity service")


# what block_document.data is without an encrypting write: a JSON blob of nobody's
_UNSEALED_DATA = ("free_text", "low", "JSON blob 'data' of type 'JSON' may hold user data, but "
                  "nobody's record: no author or owner among the siblings")


# pagure's API tokens: the token is the table's string key, and other tables point at it
_PAGURE_TOKENS = """
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            class Token(Base):
                __tablename__ = "tokens"
                id = Column(String(64), primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                expiration = Column(DateTime)
                description = Column(Text)
            class TokenAcl(Base):
                __tablename__ = "tokens_acls"
                token_id = Column(String(64), ForeignKey("tokens.id"), primary_key=True)
                acl_id = Column(Integer, primary_key=True)
    """


_PERSON_VERSIONED = """
    class Person(Base):
        __tablename__ = "person"
        __versioned__ = {}
        id = Column(Integer, primary_key=True)
        name = Column(UnicodeText)
        weight = Column(Float)
        activated = Column(Boolean)
    """


_API_KEYS = """
    class ApiKey(Base):
        __tablename__ = "api_keys"
        id = Column(BigInteger, primary_key=True)
        display_name = Column(String, nullable=False)
        api_key = Column(String, nullable=False, unique=True)
        api_secret = Column(String, nullable=False)
    """

_VARIABLES = """
    class VariablesEntity(Base):
        __tablename__ = "dbgpt_serve_variables"
        id = Column(Integer, primary_key=True)
        key = Column(String(128), index=True, nullable=False, comment="Variable key")
        value = Column(Text, nullable=True, comment="Variable value, JSON format")
        category = Column(String(32), comment="Variable category(common or secret)")
        encryption_method = Column(String(32), comment="Variable encryption method(fernet, aes)")
        salt = Column(String(128), nullable=True, comment="Variable salt")
    """


@pytest.mark.parametrize(("first", "second", "column", "says"), [
    pytest.param("node_history", "port_history", "user", "in '{table}', a record of what happened",
                 id="two audit tables"),
    pytest.param("auth_email", "contact_email", "address", "in table '{table}': a person's email",
                 id="two tables of a person's e-mail addresses"),
])
def test_alike_tables_each_quote_their_own_name(first: str, second: str, column: str,
                                                says: str) -> None:
    """Verdicts are shared between tables whose contexts are alike; evidence that names the
    table must still name each column's own (port_history's user once read 'node_history')."""
    body = "".join(f"""
        class {t.title().replace("_", "")}(Base):
            __tablename__ = "{t}"
            id = Column(Integer, primary_key=True)
            {column} = Column(String(64))
        """ for t in (first, second))
    for table in (first, second):
        assert says.format(table=table) in (_judge(body, table, column)[2] or "")


@pytest.mark.parametrize(
    ("body", "target", "expected"),
    [
        # bare columns take their meaning from the table
        pytest.param("""
            class Macaroon(Base):
                __tablename__ = "macaroons"
                id = Column(Integer, primary_key=True)
                description = Column(String(100))
                key: Mapped[str] = mapped_column()
            """, ("macaroons", "key"),
            ("credential", "high", "name token 'key' in table 'macaroons'"),
            id="key in a macaroons table is the key"),
        pytest.param("""
            class WebPushSubscriptions(Base):
                __tablename__ = "webpush_subscriptions"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, default=0, index=True, nullable=True)
                endpoint = Column(String, default='', index=True, nullable=True)
                key = Column(String, default='', index=True, nullable=True)
                authsecret = Column(String, default='', index=True, nullable=True)
            """, ("webpush_subscriptions", "key"),
            ("credential", "high", "name token 'key' in table 'webpush_subscriptions'"),
            id="a Web Push subscription's key encrypts what it is sent (crackerjack)"),
        pytest.param("""
            class RequestToken(Base):
                __tablename__ = "core__request_tokens"
                token = Column(Unicode, primary_key=True)
                secret = Column(Unicode, nullable=False)
                client = Column(Unicode, ForeignKey("core__clients.id"))
                verifier = Column(Unicode, nullable=True)
                callback = Column(Unicode, nullable=False, default="oob")
            """, ("core__request_tokens", "verifier"),
            ("credential", "high", "name token 'verifier' in table 'core__request_tokens'"),
            id="verifier in an OAuth1 request-token table is the verifier"),
        pytest.param("""
            class Audit(Base):
                __tablename__ = "audits"
                id = Column(Integer, primary_key=True)
                verifier = Column(Unicode)
            """, ("audits", "verifier"), (None, None, None),
            id="a verifier outside a table of secrets is no finding"),
        pytest.param("""
            class DeviceProfileModel(Base):
                __tablename__ = "device_profiles"
                id = Column(Integer, primary_key=True)
                device_id = Column(Integer, default=0, nullable=True, index=True)
                name = Column(String, default='', nullable=True, index=True)
                enabled = Column(Boolean, default=True, nullable=True, index=True)
            """, ("device_profiles", "name"), (None, None, None),
            id="a device's profile is a set of options: its name is no one's (crackerjack)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
            class ActivitySession(Base):
                __tablename__ = "activity_session"
                id = Column(Integer, primary_key=True)
                session_id = Column(String, nullable=False, index=True)
                wizarr_user_id = Column(Integer, ForeignKey("user.id"), nullable=True)
                started_at = Column(DateTime, nullable=False)
                active = Column(Boolean, default=True)
            """, ("activity_session", "session_id"), (None, None, None),
            id="a playback session's id is the media server's, not a login's (wizarr)"),
        pytest.param("""
            class ServiceAccount(Base):
                __tablename__ = "service_account"
                id = Column(Integer, primary_key=True)
                name = Column(String(255))
                owner_id = Column(Integer)
            """, ("service_account", "name"), (None, None, None),
            id="a service account is a program's login: its name is no one's (tracecat)"),
        pytest.param("""
            class Profile(Base):
                __tablename__ = "profiles"
                id = Column(Integer, primary_key=True)
                name = Column(String(255))
            """, ("profiles", "name"),
            ("direct_identifier", "medium", "name token 'name' in table 'profiles'"),
            id="a profile's name is its person's"),
        pytest.param("""
            class Secret(Base):
                __tablename__ = "secrets"
                key = Column(String, primary_key=True)
                value = Column(LargeBinary)
            """, ("secrets", "key"), (None, None, None),
            id="negative: beside a value, a secrets table's key names the secret"),
        pytest.param("""
            class Audit(Base):
                __tablename__ = "audit"
                id = Column(Integer, primary_key=True)
                action = Column(String(50))
                signature = Column(Unicode(512))
            """, ("audit", "signature"), (None, None, None),
            id="negative: an audit row's signature seals it and grants nothing"),
        pytest.param("""
            class Audit(Base):
                __tablename__ = "pidea_audit"
                id = Column(Integer, primary_key=True)
                action = Column(Unicode(50))
                authentication = Column(Unicode(12))
            """, ("pidea_audit", "authentication"), (None, None, None),
            id="negative: an audit row's authentication is its outcome (privacyidea)"),
        pytest.param("""
            class AuthCache(Base):
                __tablename__ = "authcache"
                id = Column(Integer, primary_key=True)
                username = Column(Unicode(64))
                authentication = Column(Unicode(255))
            """, ("authcache", "authentication"),
            ("credential", "high", "name token 'authentication'"),
            id="a cache's authentication is what it authenticates with (privacyidea)"),
        pytest.param("""
            class Message(Base):
                __tablename__ = "messages"
                id = Column(Integer, primary_key=True)
                topic = Column(Unicode)
                signature = Column(UnicodeText)
            """, ("messages", "signature"), (None, None, None),
            id="negative: a message's signature seals it (datanommer)"),
        pytest.param("""
            class UserMetadata(Base):
                __tablename__ = "user_metadata"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                data_key = Column(String(64))
                data_value = Column(String(64))
            """, ("user_metadata", "data_key"), (None, None, None),
            id="negative: a user's bare key names the user's data (merou)"),
        pytest.param("""
            class UserVisit(Base):
                __tablename__ = "user_visit"
                visit_key = Column(String(40), primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                expiry = Column(DateTime)
            """, ("user_visit", "visit_key"),
            ("credential", "high", "name token 'key', sibling 'expiry', sibling 'user_id' "
             "(foreign key to users.id)"),
            id="a user's key that expires is a visit key (pagure)"),
        pytest.param("""
            class Subscription(Base):
                __tablename__ = "subscription"
                id = Column(Integer, primary_key=True)
                signature = Column(Unicode(640))
            """, ("subscription", "signature"), (None, None, None),
            id="negative: a signature proves, even a licence's (privacyidea's subscription, the "
               "one of 12 signatures the development corpus labels a credential)"),
        pytest.param("""
            class Secret(Base):
                __tablename__ = "secrets"
                key = Column(String, primary_key=True)
                value = Column(LargeBinary)
            """, ("secrets", "value"),
            ("credential", "high", "name token 'value' in table 'secrets'"),
            id="beside its name, a secrets table's value is the secret"),
        pytest.param("""
            class ApiKey(Base):
                __tablename__ = "api_keys"
                id = Column(Integer, primary_key=True)
                label = Column(String(50))
                value = Column(String(64))
            """, ("api_keys", "value"),
            ("credential", "high", "name token 'value' in table 'api_keys'"),
            id="value in an api_keys table is the key"),
        pytest.param("""
            class RecoveryCode(Base):
                __tablename__ = "user_recovery_codes"
                id = Column(Integer, primary_key=True)
                code = Column(String(128))
                burned = Column(DateTime)
            """, ("user_recovery_codes", "code"),
            ("credential", "high", "name token 'code' in table 'user_recovery_codes'"),
            id="code in a recovery codes table"),
        # a table named like a credential at its head noun holds that credential
        pytest.param("""
            class OTPCode(Base):
                __tablename__ = "otp_codes"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                code_hash = Column(String(128))
            """, ("otp_codes", "code_hash"),
            ("credential", "high", "name token 'hash' in table 'otp_codes'"),
            id="a code hash in an otp_codes table"),
        pytest.param("""
            class BackupCode(Base):
                __tablename__ = "backup_codes"
                id = Column(Integer, primary_key=True)
                hash = Column(String(128))
            """, ("backup_codes", "hash"),
            ("credential", "high", "name token 'hash' in table 'backup_codes'"),
            id="a bare hash in a backup_codes table"),
        pytest.param("""
            class AccessKey(Base):
                __tablename__ = "access_keys"
                id = Column(Integer, primary_key=True)
                prefix = Column(String(8))
                lookup_hash = Column(String(64), unique=True)
            """, ("access_keys", "lookup_hash"),
            ("credential", "high", "name token 'hash' in table 'access_keys'"),
            id="a lookup hash of an access key: head noun hash in a keys table"),
        pytest.param("""
            class AccessKey(Base):
                __tablename__ = "access_keys"
                id = Column(Integer, primary_key=True)
                key_prefix = Column(String(8))
            """, ("access_keys", "key_prefix"), (None, None, None),
            id="negative: a key prefix in an access_keys table"),
        pytest.param("""
            class TranslationKey(Base):
                __tablename__ = "translation_keys"
                id = Column(Integer, primary_key=True)
                key = Column(String(255), unique=True)
                value = Column(Text)
            """, ("translation_keys", "key"), (None, None, None),
            id="negative: a table of translation keys holds no keys"),
        pytest.param("""
            class ApiKeyUsage(Base):
                __tablename__ = "api_key_usage"
                id = Column(Integer, primary_key=True)
                key = Column(String(255))
                value = Column(String(255))
            """, ("api_key_usage", "value"), (None, None, None),
            id="negative: a table about api keys is not a table of keys"),
        pytest.param("""
            class ClientCertificate(Base):
                __tablename__ = "client_certificates"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                public_key = Column(Text)
            """, ("client_certificates", "public_key"),
            ("credential", "high", "name 'public_key', sibling 'user_id' (foreign key to "
                                   "users.id): a person's registered key"),
            id="a person's registered public key verifies their logins"),
        pytest.param("""
            class ServiceCertificate(Base):
                __tablename__ = "service_certificates"
                id = Column(Integer, primary_key=True)
                service = Column(String(64))
                public_key = Column(Text)
            """, ("service_certificates", "public_key"),
            ("credential", "high", "name 'public_key' on type 'Text': the certificate or key "
                                   "itself, key material whether public or not"),
            id="a public key's body blocks though nobody owns it (LABELING.md: key material)"),
        pytest.param("""
            class ServiceCertificate(Base):
                __tablename__ = "service_certificates"
                id = Column(Integer, primary_key=True)
                service = Column(String(64))
                public_key = Column(String)
            """, ("service_certificates", "public_key"),
            ("credential", "medium", "name 'public_key'"),
            id="a public key nobody owns, in a string of unknown length, warns"),
        pytest.param("""
            class Agent(Base):
                __tablename__ = "registrarmain"
                agent_id = Column(String(80), primary_key=True)
                mtls_cert = Column(String(2048), doc="the agent's public mTLS certificate")
            """, ("registrarmain", "mtls_cert"),
            ("credential", "high", "name token 'cert' on a string of 2048 characters: the "
                                   "certificate or key itself, key material whether public or "
                                   "not"),
            id="a certificate its doc calls public is key material (keylime: mtls_cert)"),
        pytest.param("""
            class InstanceExtra(Base):
                __tablename__ = "instance_extra"
                id = Column(Integer, primary_key=True)
                trusted_certs = Column(Text)
            """, ("instance_extra", "trusted_certs"),
            ("credential", "medium", "name token 'certs'"),
            id="a plural keys a list of certificates, which warns (nova: trusted_certs IDs)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                ssh_public_key = Column(Text)
            """, ("users", "ssh_public_key"),
            ("credential", "high", "name 'public_key', in table 'users': a person's registered "
                                   "key"),
            id="a public key in a person's own row is their registered key"),
        pytest.param("""
            class X509KeyPair(Base):
                __tablename__ = "x509keypair"
                id = Column(Integer, primary_key=True)
                certificate = Column(Text())
                private_key = Column(Text())
                intermediates = Column(Text())
            """, ("x509keypair", "intermediates"),
            ("credential", "high", "name token 'intermediates', sibling 'private_key': the public "
                                   "half of a key pair stored with its private key"),
            id="a chain stored beside its private key is the key pair's material"),
        pytest.param("""
            class Source(Base):
                __tablename__ = "sources"
                id = Column(Integer, primary_key=True)
                pgp_public_key = Column(Text)
                pgp_secret_key = Column(Text)
                pgp_fingerprint = Column(String(40))
            """, ("sources", "pgp_public_key"),
            ("credential", "high", "name 'public_key', sibling 'pgp_secret_key': the public half "
                                   "of a key pair stored with its private key"),
            id="a PGP public key stored beside its secret key"),
        pytest.param("""
            class Source(Base):
                __tablename__ = "sources"
                id = Column(Integer, primary_key=True)
                pgp_public_key = Column(String)
                pgp_secret_key_label = Column(String(40))
            """, ("sources", "pgp_public_key"),
            ("credential", "medium", "name 'public_key'"),
            id="negative: a secret key's label is no private half"),
        pytest.param("""
            class KeyPair(Base):
                __tablename__ = "key_pairs"
                id = Column(Integer, primary_key=True)
                name = Column(String(255))
                user_id = Column(String(255))
                public_key = Column(Text())
            """, ("key_pairs", "public_key"),
            ("credential", "high", "name 'public_key', sibling 'user_id' (an account at the "
                                   "external identity service): a person's registered key"),
            id="an SSH key of a Keystone user: the repository keeps no accounts"),
        pytest.param("""
            class Image(Base):
                __tablename__ = "images"
                id = Column(String(36), primary_key=True)
                owner = Column(String(255))
            """, ("images", "owner"), (None, None, None),
            id="negative: where no accounts are kept, an owner is a tenant (glance)"),
        pytest.param(_PAGURE_TOKENS, ("tokens", "id"),
            ("credential", "high", "string primary key of table 'tokens', beside 'expiration' "
                                   "and 'user_id' (foreign key to users.id), and no other "
                                   "column holds the secret: the key is the secret"),
            id="a tokens table keyed by the token itself (pagure)"),
        pytest.param(_PAGURE_TOKENS, ("tokens_acls", "token_id"),
            ("credential", "high", "foreign key to tokens.id, which holds a credential (string "
                                   "primary key of table 'tokens', beside 'expiration' and "
                                   "'user_id' (foreign key to users.id), and no other column "
                                   "holds the secret: the key is the secret): the same value"),
            id="a foreign key to the token holds the token (pagure)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            class ApiToken(Base):
                __tablename__ = "api_token"
                id = Column(UnicodeText, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                last_access = Column(DateTime)
            """, ("api_token", "id"), (None, None, None),
            id="negative: a token table's string key that never expires is a JWT's id (ckan)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            class Token(Base):
                __tablename__ = "tokens"
                id = Column(String(36), primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                expires_at = Column(DateTime)
                token_hash = Column(String(64))
            """, ("tokens", "id"), (None, None, None),
            id="negative: beside a column that holds the secret, the key is only a key"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                email = Column(String(255))
            class Image(Base):
                __tablename__ = "images"
                id = Column(String(36), primary_key=True)
                owner = Column(String(255))
            """, ("images", "owner"), ("direct_identifier", "medium", "name token 'owner'"),
            id="where the repository keeps accounts, an owner is a person"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                username = Column(String(80))
            class KeyPair(Base):
                __tablename__ = "key_pairs"
                id = Column(Integer, primary_key=True)
                user_id = Column(String(255))
                public_key = Column(String)
            """, ("key_pairs", "public_key"),
            ("credential", "medium", "name 'public_key'"),
            id="negative: a string user_id is no owner where the repository keeps accounts"),
        pytest.param("""
            class KeyPair(Base):
                __tablename__ = "key_pairs"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                public_key = Column(String(255))
            """, ("key_pairs", "public_key"), (None, None, None),
            id="negative: a short string names a key, however owned"),
        pytest.param("""
            class SessionActivity(Base):
                __tablename__ = "accounts_user_session_activity"
                sid_s = Column(String(255), primary_key=True)
                user_id = Column(Integer, ForeignKey("accounts_user.id"))
            """, ("accounts_user_session_activity", "sid_s"),
            ("credential", "high", "name token 'sid' in table 'accounts_user_session_activity'"),
            id="the session id of a session activity table"),
        pytest.param("""
            class ApiToken(Base):
                __tablename__ = "api_tokens"
                id = Column(Integer, primary_key=True)
                hashed = Column(Unicode(255), unique=True)
                prefix = Column(Unicode(16))
                session_id = Column(Unicode(255))
                user_id = Column(Integer, ForeignKey("users.id"))
                expires_at = Column(DateTime)
            """, ("api_tokens", "hashed"),
            ("credential", "high", "name token 'hashed' in table 'api_tokens'"),
            id="hashed in an api_tokens table is the token's hash"),
        pytest.param("""
            class ApiToken(Base):
                __tablename__ = "api_tokens"
                id = Column(Integer, primary_key=True)
                hashed = Column(Unicode(255), unique=True)
                session_id = Column(Unicode(255))
                user_id = Column(Integer, ForeignKey("users.id"))
                expires_at = Column(DateTime)
            """, ("api_tokens", "session_id"), (None, None, None),
            id="negative: a session id beside a token is a reference"),
        pytest.param("""
            class OAuthCode(Base):
                __tablename__ = "oauth_codes"
                id = Column(Integer, primary_key=True)
                code = Column(Unicode(36))
                code_challenge = Column(Unicode(255))
                user_id = Column(Integer, ForeignKey("users.id"))
                expires_at = Column(Integer)
            """, ("oauth_codes", "code_challenge"), (None, None, None),
            id="negative: a PKCE code challenge is published to the server"),
        pytest.param("""
            class TransportKey(Base):
                __tablename__ = "transport_keys"
                id = Column(Integer, primary_key=True)
                plugin_name = Column(String(255))
                transport_key = Column(Text)
            """, ("transport_keys", "transport_key"),
            ("credential", "high", "name 'transport_key' ends in 'key' on type 'Text': a key "
             "that long is key material, not a lookup key"),
            id="the key of a keys table: its length alone convinces"),
        pytest.param("""
            class EncryptedDatum(Base):
                __tablename__ = "encrypted_data"
                id = Column(Integer, primary_key=True)
                cypher_text = Column(Text)
                kek_meta_extended = Column(Text)
            """, ("encrypted_data", "cypher_text"),
            ("credential", "high", "name 'cypher_text'"), id="cypher text is the secret"),
        pytest.param("""
            class EncryptedDatum(Base):
                __tablename__ = "encrypted_data"
                id = Column(Integer, primary_key=True)
                cypher_text = Column(Text)
                kek_meta_extended = Column(Text)
            """, ("encrypted_data", "kek_meta_extended"), (None, None, None),
            id="negative: metadata about the key-encryption key"),
        pytest.param("""
            class KEKDatum(Base):
                __tablename__ = "kek_data"
                id = Column(Integer, primary_key=True)
                kek_label = Column(String(255))
            """, ("kek_data", "kek_label"), (None, None, None),
            id="negative: the label that names a key"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                name = Column(Unicode(255))
                encrypted_auth_state = Column(LargeBinary)
                encrypted = Column(Boolean)
            """, ("users", "encrypted_auth_state"),
            ("credential", "high", "name 'auth_state'"),
            id="an authenticator's state holds its tokens"),
        pytest.param("""
            class Setting(Base):
                __tablename__ = "setting"
                id = Column(Integer, primary_key=True)
                name = Column(String(64), unique=True)
                value = Column(Text)
            """, ("setting", "value"),
            ("credential", "high", "name token 'value' in configuration table 'setting': where "
             "an application keeps its settings, it keeps the passwords and API keys among them"),
            id="a name/value settings store"),
        pytest.param("""
            class ResolverConfig(Base):
                __tablename__ = "resolverconfig"
                id = Column(Integer, primary_key=True)
                Key = Column(Unicode(255), nullable=False)
                Value = Column(Unicode(2000), default='')
            """, ("resolverconfig", "Value"),
            ("credential", "high", "name token 'Value' in configuration table 'resolverconfig': "
             "where an application keeps its settings, it keeps the passwords and API keys among "
             "them"),
            id="an integration's configuration holds its bind password"),
        pytest.param("""
            class StrConfig(Base):
                __tablename__ = "str_config"
                child_id = Column(Integer, ForeignKey("child.id"), primary_key=True)
                key = Column(Enum(ConfigEnum), primary_key=True)
                value = Column(String(3072))
            """, ("str_config", "value"),
            ("credential", "high", "name token 'value' in configuration table 'str_config': "
             "where an application keeps its settings, it keeps the passwords and API keys among "
             "them"),
            id="the application's settings kept in one table per value type (hiddify)"),
        pytest.param("""
            class BoolConfig(Base):
                __tablename__ = "bool_config"
                key = Column(Enum(ConfigEnum), primary_key=True)
                value = Column(Boolean)
            """, ("bool_config", "value"), (None, None, None),
            id="negative: the flags of those settings are flags"),
        pytest.param("""
            class BIOSSetting(Base):
                __tablename__ = "bios_settings"
                node_id = Column(Integer, primary_key=True)
                name = Column(String(255), primary_key=True)
                value = Column(Text)
            """, ("bios_settings", "value"), (None, None, None),
            id="negative: a machine's settings are not the application's configuration"),
        pytest.param("""
            class PoolTargetOption(Base):
                __tablename__ = "pool_target_options"
                id = Column(String(36), primary_key=True)
                pool_target_id = Column(String(36))
                key = Column(String(255))
                value = Column(String(255))
            """, ("pool_target_options", "value"), (None, None, None),
            id="negative: a thing's options say nothing of their values; their keys do"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                id = Column(Integer, primary_key=True)
                session_id = Column(String(255), unique=True)
                data = Column(LargeBinary)
                expiry = Column(DateTime)
            """, ("sessions", "session_id"),
            ("credential", "high", "name 'session_id' in sessions table 'sessions', sibling "
                                   "'expiry': the value that logs the session's user in"),
            id="the id of a server-side session logs its user in"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "pyramid_session"
                id = Column(Unicode(32), primary_key=True)
                created = Column(DateTime, nullable=False)
                last_activity = Column(DateTime, nullable=False)
            """, ("pyramid_session", "id"),
            ("credential", "high", "string primary key in sessions table 'pyramid_session', "
                                   "sibling 'last_activity', and no other column holds the "
                                   "session's id: the key is the value that logs the "
                                   "session's user in"),
            id="a session's string key with no session id beside it is the id (nextgisweb)"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "session"
                sessid = Column(String(32), primary_key=True)
                start = Column(Integer, nullable=False)
                expire = Column(Integer, nullable=False)
            """, ("session", "sessid"),
            ("credential", "high", "name 'sessid' in sessions table 'session', sibling 'expire': "
                                   "the value that logs the session's user in"),
            id="PHP's sessid is a session id (xivo-dao: session.sessid)"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                id = Column(String(36), primary_key=True)
                session_tag = Column(Integer)
                description = Column(String(255))
                schedule = Column(Text)
                user_id = Column(String(64))
            """, ("sessions", "id"), (None, None, None),
            id="negative: a sessions table of backup jobs, which no one logs in with "
               "(freezer-api: sessions.id)"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                id = Column(String(36), primary_key=True)
                session_token = Column(String(255), unique=True)
                last_seen = Column(DateTime)
            """, ("sessions", "id"), (None, None, None),
            id="negative: the key of a session whose token is beside it"),
        pytest.param("""
            class ProjectSession(Base):
                __tablename__ = "project_sessions"
                id = Column(Integer, primary_key=True)
                session_id = Column(String, unique=True)
                project_id = Column(Integer, ForeignKey("projects.id"))
                start_time = Column(DateTime)
            """, ("project_sessions", "session_id"), (None, None, None),
            id="negative: a session that neither expires nor belongs to a user logs no one in"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                id = Column(Integer, primary_key=True)
                session_id = Column(String(255), unique=True)
                data = Column(LargeBinary)
                expiry = Column(DateTime)
            """, ("sessions", "data"),
            ("credential", "high", "blob name 'data' in sessions table 'sessions', sibling "
                                   "'session_id', sibling 'expiry': what a live session holds "
                                   "(login state, tokens)"),
            id="the data of a live server-side session"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                id = Column(Integer, primary_key=True)
                session_id = Column(String(255), unique=True)
                data = Column(LargeBinary)
            """, ("sessions", "data"),
            ("credential", "medium", "blob name 'data' in sessions table 'sessions': what the "
                                     "session holds"),
            id="session data with no expiry warns: maybe an archive"),
        pytest.param("""
            class Event(Base):
                __tablename__ = "events"
                id = Column(Integer, primary_key=True)
                session_id = Column(String(255))
                data = Column(Text)
            """, ("events", "session_id"), (None, None, None),
            id="negative: a session id elsewhere is a reference"),
        pytest.param("""
            class TokenInfo(Base):
                __tablename__ = "token_info"
                id = Column(Integer, primary_key=True)
                token_id = Column(Integer, ForeignKey("api_tokens.id"))
                key = Column(String(255))
                value = Column(String(255))
            """, ("token_info", "value"), (None, None, None),
            id="negative: a table about tokens is not a table of tokens"),
        pytest.param("""
            class ApiKey(Base):
                __tablename__ = "api_keys"
                id = Column(Integer, primary_key=True)
                label = Column(String(50))
            """, ("api_keys", "label"), (None, None, None),
            id="negative: a label in an api_keys table is just a label"),
        pytest.param("""
            class AggregateMetadata(Base):
                __tablename__ = "aggregate_metadata"
                id = Column(Integer, primary_key=True)
                key = Column(String(255), nullable=False)
                value = Column(String(255))
            """, ("aggregate_metadata", "key"), (None, None, None),
            id="negative: key of a key/value settings table names a setting"),
        pytest.param("""
            class Country(Base):
                __tablename__ = "countries"
                id = Column(Integer, primary_key=True)
                code = Column(String(2), unique=True)
            """, ("countries", "code"), (None, None, None),
            id="negative: a country code"),
        # siblings
        pytest.param("""
            class Verification(Base):
                __tablename__ = "verifications"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                code = Column(String(6))
                expires_at = Column(DateTime)
            """, ("verifications", "code"),
            ("credential", "high", "name token 'code', sibling 'expires_at', sibling 'user_id' "
                                   "(foreign key to users.id)"),
            id="code next to expires_at and a user foreign key is a one-time code"),
        pytest.param("""
            class Address(Base):
                __tablename__ = "addresses"
                id = Column(Integer, primary_key=True)
                street = Column(String(50))
                city = Column(String(40))
                region = Column(String(2))
                postal_code = Column(String(15))
            """, ("addresses", "region"),
            ("quasi_identifier", "medium", "name token 'region'"),
            id="a postal address's region (lear, sbc-auth)"),
        pytest.param("""
            class Cluster(Base):
                __tablename__ = "clusters"
                id = Column(Integer, primary_key=True)
                name = Column(String(255))
                region = Column(String(64))
            """, ("clusters", "region"), (None, None, None),
            id="negative: a cloud's region"),
        pytest.param("""
            class UserVerification(Base):
                __tablename__ = "user_verification"
                id = Column(Integer, primary_key=True)
                user_id = Column(String(63), nullable=False)
                date_created = Column(DateTime, nullable=False)
                key = Column(String(64), nullable=False)
            """, ("user_verification", "key"),
            ("credential", "high", "name token 'key' in table 'user_verification'"),
            id="an account verification's key is the one mailed in the link (codalab)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
                user_name = Column(String(63), unique=True)
                url = Column(String(255))
            """, ("user", "url"),
            ("direct_identifier", "medium", "name token 'url' in table 'user'"),
            id="a person's url is their web page (codalab, mediagoblin)"),
        pytest.param("""
            class Service(Base):
                __tablename__ = "services"
                id = Column(Integer, primary_key=True)
                url = Column(String(255))
            """, ("services", "url"), (None, None, None),
            id="negative: a service's url"),
        pytest.param("""
            class Coupon(Base):
                __tablename__ = "coupons"
                id = Column(Integer, primary_key=True)
                code = Column(String(20), unique=True)
                expires_at = Column(DateTime)
                percent_off = Column(Integer)
            """, ("coupons", "code"), (None, None, None),
            id="negative: a coupon code expires but belongs to nobody"),
        pytest.param("""
            class DataPackage(Base):
                __tablename__ = "data_packages"
                id = Column(Integer, primary_key=True)
                filename = Column(String(255))
                hash = Column(String(255), unique=True)
                mime_type = Column(String(255))
                submission_user = Column(Integer, ForeignKey("user.id"))
                expiration = Column(DateTime)
            """, ("data_packages", "hash"), (None, None, None),
            id="negative: a stored file's hash is its checksum, though it expires and has an "
               "uploader (opentakserver)"),
        pytest.param("""
            class ResetRequest(Base):
                __tablename__ = "reset_requests"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                hash = Column(String(64), unique=True)
                expires_at = Column(DateTime)
            """, ("reset_requests", "hash"),
            ("credential", "high", "name token 'hash', sibling 'expires_at', sibling 'user_id' "
                                   "(foreign key to users.id), unique"),
            id="a hash that expires and belongs to a user, no file in the row: a one-time "
               "code's"),
        pytest.param("""
            class Transfer(Base):
                __tablename__ = "transfers"
                id = Column(String(36), primary_key=True)
                salt = Column(String(255))
                crypt_hash = Column(String(255))
                expires_at = Column(DateTime)
            """, ("transfers", "crypt_hash"),
            ("credential", "high", "name token 'hash', sibling 'expires_at', sibling 'salt'"),
            id="a hash next to a salt is a verifier"),
        pytest.param("""
            class Repository(Base):
                __tablename__ = "repositories"
                repo_id = Column(Integer, primary_key=True)
                repo_name = Column(Unicode(255), unique=True)
                repo_name_hash = Column(String(255), nullable=False, unique=True)
                clone_uri = Column(EncryptedTextValue())
            """, ("repositories", "repo_name_hash"), (None, None, None),
            id="negative: a hash of the repository's name is a lookup helper, beside a secret "
               "or not (rhodecode)"),
        pytest.param("""
            class MCPProvider(Base):
                __tablename__ = "tool_mcp_providers"
                id = Column(Integer, primary_key=True)
                server_url_hash = Column(String(64))
                encrypted_credentials = Column(Text)
            """, ("tool_mcp_providers", "server_url_hash"), (None, None, None),
            id="negative: a URL's hash beside encrypted credentials (dify)"),
        pytest.param("""
            class SupportAdminTemporarySession(Base):
                __tablename__ = "support_admin_temporary_sessions"
                grant_jti_hash = Column(String(64), primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                expires_at = Column(DateTime)
            """, ("support_admin_temporary_sessions", "grant_jti_hash"), (None, None, None),
            id="negative: a hash of a signed grant's ID in a sessions table (langbot)"),
        pytest.param("""
            class AdminSession(Base):
                __tablename__ = "admin_sessions"
                token_hash = Column(String(64), primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                expires_at = Column(DateTime)
            """, ("admin_sessions", "token_hash"),
            ("credential", "high", "name 'token_hash'"),
            id="a token's hash in the same sessions table is a verifier"),
        pytest.param("""
            class Release(Base):
                __tablename__ = "release_files"
                id = Column(Integer, primary_key=True)
                sha256_digest = Column(String(64), unique=True)
                filename = Column(String(200))
            """, ("release_files", "sha256_digest"), (None, None, None),
            id="negative: a file checksum"),
        pytest.param("""
            class Invitation(Base):
                __tablename__ = "organization_invitations"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                token = Column(String(255))
            """, ("organization_invitations", "token"),
            ("credential", "high", "name token 'token'"),
            id="a token that belongs to a user"),
        pytest.param("""
            class Word(Base):
                __tablename__ = "words"
                id = Column(Integer, primary_key=True)
                token = Column(String(255))
            """, ("words", "token"), ("credential", "high", "name token 'token'"),
            id="a bare token blocks on its name alone (issue 9: as a warning it passed)"),
        pytest.param("""
            class Setting(Base):
                __tablename__ = "settings"
                key = Column(String(255), primary_key=True)
                value = Column(Text, nullable=False)
            """, ("settings", "value"),
            ("credential", "high", "name token 'value' in configuration table 'settings': where "
             "an application keeps its settings, it keeps the passwords and API keys among them"),
            id="the value of a settings store may be an SMTP password"),
        pytest.param("""
            class Setting(Base):
                __tablename__ = "settings"
                app_settings_id = Column(Integer, primary_key=True)
                app_settings_name = Column(String(255), unique=True)
                app_settings_value = Column(Unicode(4096))
            """, ("settings", "app_settings_value"),
            ("credential", "high", "name 'app_settings_value' in configuration table "
             "'settings': where an application keeps its settings, it keeps the passwords and "
             "API keys among them"),
            id="a value qualified like its key is the settings store's value (kallithea: the "
               "reCAPTCHA private key; lvfs: settings.config_value)"),
        pytest.param("""
            class AppSetting(Base):
                __tablename__ = "app_settings"
                id = Column(Integer, primary_key=True)
                name = Column(String(255), unique=True)
                value = Column(Unicode(4096))
            """, ("app_settings", "value"),
            ("credential", "high", "name token 'value' in configuration table 'app_settings': "
             "where an application keeps its settings, it keeps the passwords and API keys "
             "among them"),
            id="settings named after the application's package (rhodecode: "
               "rhodecode_settings in rhodecode/) are the application's own"),
        pytest.param("""
            class WidgetSetting(Base):
                __tablename__ = "widget_settings"
                id = Column(Integer, primary_key=True)
                name = Column(String(255), unique=True)
                value = Column(Unicode(4096))
            """, ("widget_settings", "value"), (None, None, None),
            id="negative: a thing's settings, not the application's"),
        pytest.param("""
            class Artifact(Base):
                __tablename__ = "artifacts"
                id = Column(Integer, primary_key=True)
                key = Column(String(255), index=True)
                task_key = Column(String(255))
            """, ("artifacts", "key"), (None, None, None),
            id="negative: a lookup key, even indexed"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                name = Column(String(100))
            """, ("users", "name"),
            ("direct_identifier", "medium", "name token 'name' in table 'users'"),
            id="a name in a users table is a person's"),
        pytest.param("""
            class Tag(Base):
                __tablename__ = "tags"
                id = Column(Integer, primary_key=True)
                name = Column(String(100))
            """, ("tags", "name"), (None, None, None),
            id="negative: a tag's name"),
        pytest.param("""
            class Organization(Base):
                __tablename__ = "organizations"
                id = Column(Integer, primary_key=True)
                display_name = Column(String(100))
            """, ("organizations", "display_name"), (None, None, None),
            id="negative: an organisation's display name"),
        pytest.param("""
            class Post(Base):
                __tablename__ = "posts"
                id = Column(Integer, primary_key=True)
                modified_by = Column(String(200))
            """, ("posts", "modified_by"),
            ("direct_identifier", "medium", "name 'modified_by' on a String column: who did "
                                            "it, by name"),
            id="modified_by as a string is a username"),
        pytest.param("""
            class SysPost(Base):
                __tablename__ = "sys_post"
                post_id = Column(Integer, primary_key=True)
                create_by = Column(String(64))
            """, ("sys_post", "create_by"),
            ("direct_identifier", "medium", "name 'create_by' on a String column: who did "
                                            "it, by name"),
            id="create_by in the present tense is a username (ruoyi_vue3_fastapi)"),
        pytest.param("""
            class Dept(Base):
                __tablename__ = "sys_dept"
                id = Column(Integer, primary_key=True)
                leader = Column(String(32))
            """, ("sys_dept", "leader"),
            ("direct_identifier", "medium", "name 'leader' on a String column: who did "
                                            "it, by name"),
            id="a department's leader typed as text is a name (fastapi_best_architecture)"),
        pytest.param("""
            class Team(Base):
                __tablename__ = "teams"
                id = Column(Integer, primary_key=True)
                leader = Column(Integer, ForeignKey("users.id"))
            """, ("teams", "leader"), (None, None, None),
            id="negative: a leader by foreign key is a reference"),
        pytest.param("""
            class SysOperLog(Base):
                __tablename__ = "sys_oper_log"
                oper_id = Column(Integer, primary_key=True)
                oper_name = Column(String(50))
            """, ("sys_oper_log", "oper_name"),
            ("direct_identifier", "medium", "name 'oper_name' on a String column in "
                                            "'sys_oper_log', a record of what happened: who did "
                                            "it, by name"),
            id="an operation log's operator name (ruoyi_vue3_fastapi)"),
        pytest.param("""
            class Job(Base):
                __tablename__ = "jobs"
                id = Column(Integer, primary_key=True)
                user = Column(String(64))
            """, ("jobs", "user"),
            ("direct_identifier", "medium", "name 'user' on a String column: who, by login"),
            id="a user kept as text is a login (paddles: jobs.user)"),
        pytest.param("""
            class Job(Base):
                __tablename__ = "jobs"
                id = Column(Integer, primary_key=True)
                user = Column(Integer, ForeignKey("users.id"))
            """, ("jobs", "user"), (None, None, None),
            id="negative: a user by foreign key is a reference"),
        pytest.param("""
            class Node(Base):
                __tablename__ = "nodes"
                id = Column(Integer, primary_key=True)
                locked_by = Column(String(64))
            """, ("nodes", "locked_by"),
            ("direct_identifier", "medium", "name 'locked_by' on a String column: who did "
                                            "it, by name"),
            id="who holds a lock, by login (paddles: nodes.locked_by)"),
        pytest.param("""
            class UserSamlProvider(Base):
                __tablename__ = "user_saml_provider"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                name_id = Column(Unicode)
            """, ("user_saml_provider", "name_id"),
            ("quasi_identifier", "medium", "name 'name_id' on a Unicode column in "
                                           "'user_saml_provider': a person's subject at an "
                                           "identity provider"),
            id="SAML's NameID is the person at the identity provider (codegrade)"),
        pytest.param("""
            class SlackInstallation(Base):
                __tablename__ = "slack_installations"
                id = Column(Integer, primary_key=True)
                team_id = Column(String)
                authed_user_id = Column(String)
            """, ("slack_installations", "authed_user_id"),
            ("quasi_identifier", "medium", "name 'authed_user_id' on a String column in "
                                           "'slack_installations': a person's subject at an "
                                           "identity provider"),
            id="who installed a chat app, at the chat provider (deepchecks-monitoring)"),
        pytest.param("""
            class Installation(Base):
                __tablename__ = "slack_installations"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
            """, ("slack_installations", "user_id"), (None, None, None),
            id="negative: a user by foreign key in a provider's table is a reference"),
        pytest.param("""
            class Volume(Base):
                __tablename__ = "volumes"
                id = Column(String(36), primary_key=True)
                user_id = Column(String(255))
                _name_id = Column(String(36))
            """, ("volumes", "_name_id"), (None, None, None),
            id="negative: a name_id outside an identity provider's table is a thing's (cinder)"),
        pytest.param("""
            class Extract(Base):
                __tablename__ = "extract_action"
                id = Column(Integer, primary_key=True)
                name_id = Column(Integer, ForeignKey("langstring.id"))
            """, ("extract_action", "name_id"), (None, None, None),
            id="negative: a name_id by foreign key is a translated name (assembl)"),
        pytest.param("""
            class Post(Base):
                __tablename__ = "posts"
                id = Column(Integer, primary_key=True)
                modified_by = Column(Integer, ForeignKey("users.id"))
                rendered_by = Column(String(50))
            """, ("posts", "rendered_by"), (None, None, None),
            id="negative: rendered_by names a program"),
        pytest.param("""
            class Post(Base):
                __tablename__ = "posts"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                description = Column(Text)
            """, ("posts", "description"),
            ("free_text", "medium", "name token 'description'"),
            id="a description somebody wrote"),
        pytest.param("""
            class Forum(Base):
                __tablename__ = "forums"
                id = Column(Integer, primary_key=True)
                title = Column(String(255))
                description = Column(Text)
            """, ("forums", "description"),
            ("free_text", "low", "name token 'description', but nobody's record: no author or "
                                 "owner among the siblings"),
            id="negative: a catalog object's description is only a note"),
        pytest.param("""
            class Volume(Base):
                __tablename__ = "volumes"
                id = Column(Integer, primary_key=True)
                display_name = Column(String(255))
                provider_location = Column(String(255))
                provider_auth = Column(String(255))
            """, ("volumes", "display_name"), (None, None, None),
            id="negative: a volume's display name is a machine's"),
        pytest.param("""
            class Member(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                display_name = Column(String(255))
            """, ("users", "display_name"),
            ("direct_identifier", "high", "name 'display_name'"),
            id="a user's display name is a person's"),
        pytest.param("""
            class Gear(Base):
                __tablename__ = "gear"
                id = Column(Integer, primary_key=True)
                brand = Column(String(250))
                nickname = Column(String(250))
            """, ("gear", "nickname"), (None, None, None),
            id="negative: a bike's nickname is no person's (endurain)"),
        pytest.param("""
            class Speaker(Base):
                __tablename__ = "speaker"
                id = Column(Integer, primary_key=True)
                name = Column(String, nullable=False)
                email = Column(String)
                twitter = Column(String)
                github = Column(String)
            """, ("speaker", "twitter"),
            ("direct_identifier", "medium", "name token 'twitter'"),
            id="a speaker's Twitter handle is a person's (open-event-server)"),
        pytest.param("""
            class Setting(Base):
                __tablename__ = "settings"
                id = Column(Integer, primary_key=True)
                app_name = Column(String)
                twitter_url = Column(String)
                github_url = Column(String)
            """, ("settings", "twitter_url"), (None, None, None),
            id="negative: the site's own Twitter link is no person's (open-event-server)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
                email = Column(String)
                github_url = Column(String)
            """, ("user", "github_url"),
            ("direct_identifier", "medium", "name 'github_url'"),
            id="a user's GitHub profile link is a person's (rulezet: user.github_url)"),
        pytest.param("""
            class Setting(Base):
                __tablename__ = "settings"
                id = Column(Integer, primary_key=True)
                app_name = Column(String)
                github_url = Column(String)
            """, ("settings", "github_url"), (None, None, None),
            id="negative: the site's own GitHub link is no person's (open-event-server)"),
        pytest.param("""
            class Person(Base):
                __tablename__ = "persons"
                id = Column(Integer, primary_key=True)
                nickname = Column(String(255))
            """, ("persons", "nickname"),
            ("direct_identifier", "high", "name token 'nickname'"),
            id="a person's nickname (tahrir-api)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                uid = Column(Integer, primary_key=True)
                email = Column(String(120), unique=True, nullable=False)
                nick = Column(String(80), unique=True, nullable=False)
            """, ("user", "nick"),
            ("direct_identifier", "high", "name token 'nick'"),
            id="a player's nick is their handle (ctfscoreboard)"),
        pytest.param("""
            class IrcHook(Base):
                __tablename__ = "hook_irc"
                id = Column(Integer, primary_key=True)
                server = Column(Text, nullable=False)
                nick = Column(Text, nullable=True)
            """, ("hook_irc", "nick"), (None, None, None),
            id="negative: an IRC bot's nick is no person's (pagure)"),
        pytest.param("""
            class Queue(Base):
                __tablename__ = "queue"
                queue_id = Column(Integer, primary_key=True)
                receipt_handle = Column(String)
                data = Column(Text)
            """, ("queue", "receipt_handle"), (None, None, None),
            id="negative: an SQS receipt handle is no person's (anchore-engine)"),
        pytest.param("""
            class Member(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                handle = Column(String(64))
            """, ("users", "handle"), ("direct_identifier", "medium", "name token 'handle'"),
            id="a user's handle is a person's"),
        pytest.param("""
            class TransitionRule(Base):
                __tablename__ = "catalog_archive_transition_rules"
                rule_id = Column(String, primary_key=True)
                analysis_age_days = Column(Integer)
            """, ("catalog_archive_transition_rules", "analysis_age_days"), (None, None, None),
            id="negative: an analysis's age is no person's (anchore-engine)"),
        pytest.param("""
            class Volume(Base):
                __tablename__ = "volumes"
                id = Column(Integer, primary_key=True)
                provider_auth = Column(String(255))
            """, ("volumes", "provider_auth"),
            ("credential", "high", "name 'provider_auth'"),
            id="a qualified auth string holds a login"),
        pytest.param("""
            class ComputeNode(Base):
                __tablename__ = "compute_nodes"
                id = Column(Integer, primary_key=True)
                host_ip = Column(String(39))
            """, ("compute_nodes", "host_ip"), (None, None, None),
            id="negative: a host's IP is a machine's"),
        pytest.param("""
            class Attendee(Base):
                __tablename__ = "attendees"
                id = Column(Integer, primary_key=True)
                name = Column(String)
                place = Column(String)
                user_id = Column(Integer, ForeignKey("users.id"))
            """, ("attendees", "name"),
            ("direct_identifier", "medium", "name token 'name' in table 'attendees'"),
            id="an attendee's row is a person's: its name (onegov: attendees.name)"),
        pytest.param("""
            class Organization(Base):
                __tablename__ = "organization"
                id = Column(Integer, primary_key=True)
                title = Column(Unicode(250))
                contact_email = Column(Unicode(254), nullable=False)
                invoicer_id = Column(Integer)
            """, ("organization", "contact_email"), (None, None, None),
            id="negative: an organisation's contact e-mail is its office's (boxoffice)"),
        pytest.param("""
            class Agency(Base):
                __tablename__ = "agencies"
                id = Column(Integer, primary_key=True)
                title = Column(Text)
                phone = Column(Text)
            """, ("agencies", "phone"), (None, None, None),
            id="negative: an agency's phone number reaches its office (onegov)"),
        pytest.param("""
            class Organization(Base):
                __tablename__ = "organization"
                id = Column(Integer, primary_key=True)
                title = Column(Unicode(250))
                billing_contact_email_addresses = Column(Text)
            """, ("organization", "billing_contact_email_addresses"),
            ("direct_identifier", "high", "name token 'email'"),
            id="an organisation's billing contacts' e-mails are people's (notifications-api)"),
        pytest.param("""
            class Candidate(Base):
                __tablename__ = "candidates"
                id = Column(Integer, primary_key=True)
                election_id = Column(Integer, ForeignKey("elections.id"))
                name = Column(Unicode(150), nullable=False)
                url = Column(Unicode(250))
            """, ("candidates", "name"),
            ("direct_identifier", "medium", "name token 'name' in table 'candidates'"),
            id="an election candidate's row is a person's: its name (fedora-elections)"),
        pytest.param("""
            class PasswdReset(Base):
                __tablename__ = "passwd_reset"
                id = Column(Integer, primary_key=True)
                hashstr = Column(String(40))
                active = Column(Boolean)
                user_id = Column(Integer, ForeignKey("user.id"))
            """, ("passwd_reset", "hashstr"),
            ("credential", "high", "name token 'hashstr' in table 'passwd_reset'"),
            id="a password reset's hash string is the link's token (mhn: passwd_reset.hashstr)"),
        pytest.param("""
            class Pilot(Base):
                __tablename__ = "pilot"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("user.id"), nullable=False)
                name = Column(String(150), nullable=False)
            """, ("pilot", "name"),
            ("direct_identifier", "medium", "name token 'name' in table 'pilot'"),
            id="a pilot's row is a person's: its name (evesrp: an EVE character's name)"),
        pytest.param("""
            class Volunteer(Base):
                __tablename__ = "volunteers"
                id = Column(Integer, primary_key=True)
                first_name = Column(String)
                place = Column(String)
                organisation = Column(String)
            """, ("volunteers", "organisation"),
            ("quasi_identifier", "medium", "name token 'organisation'"),
            id="a volunteer's organisation is their employer (onegov)"),
        pytest.param("""
            class UserDiversity(Base):
                __tablename__ = "diversity"
                user_id = Column(Integer, ForeignKey("user.id"), primary_key=True)
                age = Column(String)
                ethnicity = Column(String)
                sexuality = Column(String)
            """, ("diversity", "age"), ("quasi_identifier", "medium", "name token 'age'"),
            id="an age beside an ethnicity is a person's (emfcamp: diversity.age)"),
        pytest.param("""
            class UserDiversity(Base):
                __tablename__ = "diversity"
                user_id = Column(Integer, ForeignKey("user.id"), primary_key=True)
                disability = Column(String)
                sexuality = Column(String)
            """, ("diversity", "sexuality"), ("quasi_identifier", "medium",
                                              "name token 'sexuality'"),
            id="a person's sexuality (emfcamp: diversity.sexuality)"),
        pytest.param("""
            class Metric(Base):
                __tablename__ = "metric"
                id = Column(String(36), primary_key=True)
                creator = Column(String(255), nullable=False)
                name = Column(String(255))
            """, ("metric", "creator"),
            ("direct_identifier", "medium", "name 'creator' on a String column: who did it, "
             "by name"),
            id="a creator kept as text names who made the row (gnocchi: metric.creator; enms)"),
        pytest.param("""
            class Pool(Base):
                __tablename__ = "pool"
                id = Column(Integer, primary_key=True)
                creator = Column(db.SmallString)
                description = Column(db.LargeString)
            """, ("pool", "creator"),
            ("direct_identifier", "medium", "name 'creator' on a SmallString column: who did "
             "it, by name"),
            id="a size of a string type is text (enms: pool.creator is db.SmallString)"),
        pytest.param("""
            class Change(Base):
                __tablename__ = "changes"
                changeid = Column(Integer, primary_key=True)
                committer = Column(String(255))
                revision = Column(String(255))
            """, ("changes", "committer"),
            ("direct_identifier", "medium", "name 'committer' on a String column: who did it, "
             "by name"),
            id="a committer kept as text names who committed (buildbot: changes.committer)"),
        pytest.param("""
            class Message(Base):
                __tablename__ = "messages"
                id = Column(Integer, primary_key=True)
                updated_by = Column(LongText)
                created_by_role = Column(EnumText(CreatorUserRole))
            """, ("messages", "updated_by"),
            ("direct_identifier", "medium", "name 'updated_by' on a LongText column: who did "
             "it, by name"),
            id="MySQL's LONGTEXT is text (dify: LongText)"),
        pytest.param("""
            class Message(Base):
                __tablename__ = "messages"
                id = Column(Integer, primary_key=True)
                created_by = Column(EnumText(CreatorUserRole))
            """, ("messages", "created_by"), (None, None, None),
            id="negative: a choice kept as text is no name (dify: EnumText)"),
        pytest.param("""
            class SyncObject(Base):
                __tablename__ = "sync_objects"
                id = Column(Integer, primary_key=True)
                submitter = Column(String(100))
                creator_id = Column(Integer, ForeignKey("users.id"))
            """, ("sync_objects", "creator_id"), (None, None, None),
            id="negative: a creator by foreign key is a reference (freetakserver's submitter "
               "beside it is a name)"),
        pytest.param("""
            class Page(Base):
                __tablename__ = "pages"
                id = Column(Integer, primary_key=True)
                name = Column(String)
                url = Column(String)
                place = Column(String)
                language = Column(String)
            """, ("pages", "place"), (None, None, None),
            id="negative: where a page goes is no person's place (open-event-server)"),
        pytest.param("""
            class Cluster(Base):
                __tablename__ = "clusters"
                id = Column(Integer, primary_key=True)
                username = Column(Unicode(255))
                scheduler_address = Column(Unicode(255))
            """, ("clusters", "scheduler_address"), (None, None, None),
            id="negative: a service's address beside its user is a machine's (dask-gateway)"),
        pytest.param("""
            class Customer(Base):
                __tablename__ = "customers"
                id = Column(Integer, primary_key=True)
                username = Column(Unicode(255))
                address = Column(Unicode(255))
            """, ("customers", "address"),
            ("direct_identifier", "high", "name token 'address'"),
            id="a bare address beside a username is the person's"),
        pytest.param("""
            class Login(Base):
                __tablename__ = "logins"
                id = Column(Integer, primary_key=True)
                client_ip = Column(String(39))
            """, ("logins", "client_ip"),
            ("direct_identifier", "high", "name 'client_ip'"),
            id="a client's IP is a person's"),
        pytest.param("""
            class Instance(Base):
                __tablename__ = "instances"
                id = Column(Integer, primary_key=True)
                user_id = Column(String(255))
                project_id = Column(String(255))
            """, ("instances", "user_id"),
            _external_account("user_id"),
            id="a user id from an identity service the repository does not hold"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(String(36), primary_key=True)
                email = Column(String(255))
            class Post(Base):
                __tablename__ = "posts"
                id = Column(Integer, primary_key=True)
                user_id = Column(String(36))
            """, ("posts", "user_id"), (None, None, None),
            id="negative: a user id in a repository that keeps its users"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                password = Column(String(120))
                signature = Column(Text)
            """, ("users", "signature"),
            ("free_text", "medium", "name 'signature' in table 'users': a person's own prose"),
            id="a user's signature is a forum signature"),
        pytest.param("""
            class Webhook(Base):
                __tablename__ = "webhooks"
                id = Column(Integer, primary_key=True)
                signing_secret = Column(String(64))
                signature = Column(String(128))
            """, ("webhooks", "signature"), (None, None, None),
            id="negative: a webhook's signature beside its signing secret proves, it opens "
               "nothing"),
        pytest.param("""
            class SessionActivity(Base):
                __tablename__ = "session_activity"
                id = Column(Integer, primary_key=True)
                ip = Column(String(80))
                country = Column(String(3))
                os = Column(String(80))
            """, ("session_activity", "country"),
            ("quasi_identifier", "medium", "name 'country', sibling 'ip': where and on what a "
                                           "person visited from"),
            id="a country next to an ip is where a person visited from"),
        pytest.param("""
            class UsersSessions(Base):
                __tablename__ = "users_sessions"
                id = Column(String(36), primary_key=True)
                ip_address = Column(String(45))
                device_type = Column(String(45))
                operating_system = Column(String(45))
            """, ("users_sessions", "operating_system"),
            ("quasi_identifier", "medium", "name 'operating_system', sibling 'ip_address': "
                                           "where and on what a person visited from"),
            id="a session's operating system, in long words (endurain)"),
        pytest.param("""
            class Device(Base):
                __tablename__ = "devices"
                id = Column(Integer, primary_key=True)
                ip_address = Column(String(64))
                device_type = Column(String(255))
            """, ("devices", "device_type"), (None, None, None),
            id="negative: a network device's type beside its address (craton)"),
        pytest.param("""
            class Device(Base):
                __tablename__ = "device"
                id = Column(Integer, primary_key=True)
                ip_address = Column(String(64))
                operating_system = Column(String(64))
                os_version = Column(String(64))
            """, ("device", "operating_system"), (None, None, None),
            id="negative: a managed network device's operating system (enms: device)"),
        pytest.param("""
            class Host(Base):
                __tablename__ = "host"
                id = Column(Integer, primary_key=True)
                ip = Column(Text)
                os = Column(Text)
            """, ("host", "os"), (None, None, None),
            id="negative: a scanned host's os beside its address (faraday: host.os)"),
        pytest.param("""
            class Instance(Base):
                __tablename__ = "instances"
                id = Column(Integer, primary_key=True)
                access_ip_v4 = Column(String(39))
                os = Column(String(80))
            """, ("instances", "os"), (None, None, None),
            id="negative: an instance's os, no person's visit"),
        pytest.param("""
            class UserIdentity(Base):
                __tablename__ = "accounts_useridentity"
                id = Column(String(255), primary_key=True)
                method = Column(String(255), primary_key=True)
                id_user = Column(Integer, ForeignKey("accounts_user.id"))
            """, ("accounts_useridentity", "id"),
            ("quasi_identifier", "medium", "name 'id' on a String column in identity table "
                                           "'accounts_useridentity': a person's account ID at "
                                           "an external provider"),
            id="the string id of a user identity is an external account ID"),
        pytest.param("""
            class UserIdentity(Base):
                __tablename__ = "identities"
                id = Column(Integer, primary_key=True)
            """, ("identities", "id"), (None, None, None),
            id="negative: an integer id of an identity row is ours"),
        pytest.param("""
            class Publisher(Base):
                __tablename__ = "publishers"
                id = Column(Integer, primary_key=True)
                actor = Column(String)
                actor_id = Column(String)
            """, ("publishers", "actor_id"),
            ("quasi_identifier", "medium", "name 'actor_id' on a String column with no foreign "
                                           "key, sibling 'actor' names the account: its ID at "
                                           "the external service"),
            id="actor_id beside actor is the account ID at the external service"),
        pytest.param("""
            class FileOwner(Base):
                __tablename__ = "file_owner"
                id = Column(Integer, primary_key=True)
                owner_id = Column(String)
                owner_type = Column(String)
            """, ("file_owner", "owner_id"), (None, None, None),
            id="negative: an owner_id with no handle beside it is a reference"),
        pytest.param("""
            class Server(Base):
                __tablename__ = "servers"
                id = Column(Integer, primary_key=True)
                ip = Column(Unicode(255))
                port = Column(Integer)
            """, ("servers", "ip"), (None, None, None),
            id="negative: a server's ip is a machine's"),
        pytest.param("""
            class Cluster(Base):
                __tablename__ = "cluster"
                id = Column(Integer, primary_key=True)
                user_id = Column(String(255))
                status_reason = Column(Text)
            """, ("cluster", "status_reason"), (None, None, None),
            id="negative: a machine-made status reason"),
        pytest.param("""
            class Secret(Base):
                __tablename__ = "secrets"
                id = Column(String(36), primary_key=True)
                creator_id = Column(String(255))
            """, ("secrets", "creator_id"),
            _external_account("creator_id"),
            id="a creator_id string with no users table is an external account"),
        pytest.param("""
            class Cluster(Base):
                __tablename__ = "cluster"
                id = Column(String(36), primary_key=True)
                user = Column(String(32), nullable=False)
                project = Column(String(32), nullable=False)
                domain = Column(String(32))
            """, ("cluster", "user"),
            _external_account("user"),
            id="a bare user beside the project it acts in, with no users table (senlin)"),
        pytest.param("""
            class Service(Base):
                __tablename__ = "services"
                id = Column(Integer, primary_key=True)
                user = Column(String(255))
                url = Column(String(255))
            """, ("services", "user"),
            ("direct_identifier", "medium", "name 'user' on a String column: who, by "
                                            "login"),
            id="a bare user with no project beside it is a login, not an identity service's "
               "account"),
        pytest.param("""
            class SecurityService(Base):
                __tablename__ = "security_services"
                id = Column(String(36), primary_key=True)
                user = Column(String(255))
                password = Column(String(255))
            class Share(Base):
                __tablename__ = "shares"
                id = Column(String(36), primary_key=True)
                user_id = Column(String(255))
            """, ("shares", "user_id"),
            _external_account("user_id"),
            id="a service's password is no table of users: user_id is still external"),
        pytest.param("""
            class Member(Base):
                __tablename__ = "members"
                id = Column(String(36), primary_key=True)
                username = Column(String(80))
            class Share(Base):
                __tablename__ = "shares"
                id = Column(String(36), primary_key=True)
                user_id = Column(String(255))
            """, ("shares", "user_id"), (None, None, None),
            id="negative: where the users have text keys, a string user_id is their own (ckan)"),
        pytest.param("""
            class NetworkAllocation(Base):
                __tablename__ = "network_allocations"
                id = Column(String(36), primary_key=True)
                ip_address = Column(String(64))
                mac_address = Column(String(32))
                cidr = Column(String(64))
                gateway = Column(String(64))
            """, ("network_allocations", "mac_address"), (None, None, None),
            id="negative: a MAC beside its subnet and gateway is a machine's interface"),
        pytest.param("""
            class NetworkAllocation(Base):
                __tablename__ = "network_allocations"
                id = Column(String(36), primary_key=True)
                ip_address = Column(String(64))
                cidr = Column(String(64))
            """, ("network_allocations", "ip_address"), (None, None, None),
            id="negative: an IP beside its CIDR is a machine's"),
        pytest.param("""
            class Login(Base):
                __tablename__ = "logins"
                id = Column(Integer, primary_key=True)
                ip_address = Column(String(64))
                email = Column(String(255))
                gateway = Column(String(64))
            """, ("logins", "ip_address"),
            ("direct_identifier", "high", "name 'ip_address'"),
            id="an IP in a person's row stays a person's, whatever else the row says"),
        pytest.param("""
            class SecurityService(Base):
                __tablename__ = "security_services"
                id = Column(String(36), primary_key=True)
                dns_ip = Column(String(64))
            """, ("security_services", "dns_ip"), (None, None, None),
            id="negative: a DNS server's IP is a machine's"),
        pytest.param("""
            class Amphora(Base):
                __tablename__ = "amphora"
                id = Column(String(36), primary_key=True)
                vrrp_ip = Column(String(64))
                ha_ip = Column(String(64))
                compute_id = Column(String(36))
            """, ("amphora", "vrrp_ip"), (None, None, None),
            id="negative: an IP in a row nothing says is anyone's is a machine's"),
        pytest.param("""
            class Misc(Base):
                __tablename__ = "misc"
                id = Column(Integer, primary_key=True)
                net_test_ip = Column(String(16))
            """, ("misc", "net_test_ip"), (None, None, None),
            id="negative: a settings row's IP to ping is a machine's"),
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                email = Column(String(255), primary_key=True)
            class Token(Base):
                __tablename__ = "token"
                id = Column(Integer, primary_key=True)
                user_email = Column(String(255), ForeignKey(User.email))
                ip = Column(String(255))
            """, ("token", "ip"), ("direct_identifier", "high", "name token 'ip'"),
            id="an IP beside a sibling naming its user is a person's"),
        pytest.param("""
            class Torrent(Base):
                __tablename__ = "torrents"
                id = Column(Integer, primary_key=True)
                uploader_ip = Column(String(16))
            """, ("torrents", "uploader_ip"),
            ("direct_identifier", "high", "name token 'ip'"),
            id="the name says whose: the uploader's IP"),
        pytest.param("""
            class Gateway(Base):
                __tablename__ = "gateways"
                id = Column(String(36), primary_key=True)
                url = Column(String(767))
                created_from_ip = Column(String(45))
            """, ("gateways", "created_from_ip"),
            ("direct_identifier", "high", "name token 'ip'"),
            id="the name says where the request came from: the client's IP (mcp-context-forge)"),
        pytest.param("""
            class TempKey(Base):
                __tablename__ = "temp_keys"
                id = Column(Integer, primary_key=True)
                used_at = Column(DateTime)
                used_by_ip = Column(String(45))
            """, ("temp_keys", "used_by_ip"),
            ("direct_identifier", "high", "name token 'ip'"),
            id="the name says who it was used by: the client's IP (pasarguard)"),
        pytest.param("""
            class AcceptFrom(Base):
                __tablename__ = "smtp_accept_from"
                id = Column(Integer, primary_key=True)
                ip = Column(String(45))
                note = Column(String(255))
            """, ("smtp_accept_from", "ip"), (None, None, None),
            id="negative: a table of addresses mail is accepted from lists machines'"),
        pytest.param("""
            class ClientApplication(Base):
                __tablename__ = "clientapplication"
                id = Column(Integer, primary_key=True)
                ip = Column(String(255))
                hostname = Column(String(255))
            """, ("clientapplication", "ip"),
            ("direct_identifier", "high", "name token 'ip'"),
            id="the table's name says whose: a client's IP"),
        pytest.param("""
            class Visit(Base):
                __tablename__ = "visits"
                id = Column(String, primary_key=True)
                campaign_id = Column(Integer)
                count = Column(Integer)
                ip = Column(String)
                first_seen = Column(DateTime)
            """, ("visits", "ip"),
            ("direct_identifier", "high", "name token 'ip'"),
            id="a table of visits records its visitors' IPs (king-phisher)"),
        pytest.param("""
            class IpAddress(Base):
                __tablename__ = "ip_addresses"
                id = Column(Integer, primary_key=True)
                ip_address = Column(String(64))
                geoip_info = Column(JSON)
            """, ("ip_addresses", "ip_address"),
            ("direct_identifier", "high", "name 'ip_address'"),
            id="an IP that is geolocated is a visitor's"),
        pytest.param("""
            class ResourceData(Base):
                __tablename__ = "resource_data"
                id = Column(Integer, primary_key=True)
                key = Column(String(255))
                value = Column(Text)
                redact = Column(Boolean)
                decrypt_method = Column(String(64))
            """, ("resource_data", "value"),
            ("credential", "high", "name 'value', sibling 'decrypt_method': the row says its "
                                   "value is stored encrypted"),
            id="a value beside its decrypt method is stored encrypted: a secret"),
        pytest.param("""
            class ResourceData(Base):
                __tablename__ = "resource_data"
                id = Column(Integer, primary_key=True)
                key = Column(String(255))
                value = Column(Text)
                decrypt_method = Column(String(64))
            """, ("resource_data", "key"), (None, None, None),
            id="negative: the key of an encrypted key/value row names it"),
        pytest.param("""
            class PropertiesData(Base):
                __tablename__ = "resource_properties_data"
                id = Column(Integer, primary_key=True)
                data = Column(JSON)
                encrypted = Column(Boolean)
            """, ("resource_properties_data", "data"),
            ("credential", "high", "name 'data', sibling 'encrypted': the row says its value is "
                                   "stored encrypted"),
            id="a data blob beside an encrypted flag"),
        pytest.param("""
            class Resource(Base):
                __tablename__ = "resource"
                id = Column(Integer, primary_key=True)
                properties_data = Column(JSON)
                properties_data_encrypted = Column(Boolean)
                rsrc_metadata = Column(JSON)
            """, ("resource", "properties_data"),
            ("credential", "high", "name 'properties_data', sibling 'properties_data_encrypted': "
                                   "the row says its value is stored encrypted"),
            id="a flag named after its column says that column is encrypted"),
        pytest.param("""
            class SystemSettings(Base):
                __tablename__ = "codo_sys_settings"
                id = Column(Integer, primary_key=True)
                name = Column(String(50), unique=True, nullable=False)
                value = Column(Text(), default="")
                is_secret = Column(String(5), default="n")
            """, ("codo_sys_settings", "value"),
            ("credential", "high", "name 'value', sibling 'is_secret': the row says its value "
                                   "is a secret"),
            id="a settings value beside an is_secret flag (codo-admin: codo_sys_settings)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "codo_a_users"
                id = Column(Integer, primary_key=True)
                username = Column(String(50))
                tel = Column(String(18))
                have_token = Column(String(5), default="no")
                corporation = Column(Text)
            """, ("codo_a_users", "tel"),
            ("direct_identifier", "high", "name token 'tel'"),
            id="tel is a phone number (codo-admin: codo_a_users.tel)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "codo_a_users"
                id = Column(Integer, primary_key=True)
                username = Column(String(50))
                have_token = Column(String(5), default="no")
            """, ("codo_a_users", "have_token"), (None, None, None),
            id="negative: have_token says whether, it holds no token (codo-admin)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                email = Column(String(255))
                corporation = Column(Text)
            """, ("users", "corporation"),
            ("quasi_identifier", "medium", "name token 'corporation'"),
            id="a person's corporation is their employer (xagent: users.corporation)"),
        pytest.param("""
            class Profile(Base):
                __tablename__ = "profiles"
                user_id = Column(Integer, ForeignKey("users.id"), primary_key=True)
                school_name = Column(String(255))
                school_finish = Column(Integer)
            """, ("profiles", "school_name"),
            ("quasi_identifier", "medium", "name token 'school'"),
            id="a participant's school is like their employer (ksi: profiles.school_name)"),
        pytest.param("""
            class Course(Base):
                __tablename__ = "courses"
                id = Column(Integer, primary_key=True)
                school_name = Column(String(255))
            """, ("courses", "school_name"), (None, None, None),
            id="negative: a course's school is nobody's (person_only)"),
        pytest.param("""
            class UserHWID(Base):
                __tablename__ = "user_hwids"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"))
                hwid = Column(String(256))
            """, ("user_hwids", "hwid"),
            ("quasi_identifier", "medium", "name token 'hwid'"),
            id="a user's device's hardware ID (pasarguard: user_hwids.hwid)"),
        pytest.param("""
            class AdminRole(Base):
                __tablename__ = "admin_roles"
                id = Column(Integer, primary_key=True)
                hwid = Column(JSON)
            """, ("admin_roles", "hwid"), (None, None, None),
            id="negative: a role's hwid is a limit setting, nobody's device (person_only)"),
        pytest.param("""
            class Token(Base):
                __tablename__ = "tokens"
                id = Column(String, primary_key=True,
                            doc="The value of the token. This field is used for "
                                "authenticating as a User on the command line.")
                created_by_id = Column(Integer, ForeignKey("users.id"))
                name = Column(String, nullable=False)
            """, ("tokens", "id"),
            ("credential", "high", "table 'tokens', doc says 'used for authenticating'"),
            id="a key its doc says is used for authenticating is the secret (baselayer)"),
        pytest.param("""
            class Token(Base):
                __tablename__ = "tokens"
                id = Column(String, primary_key=True, doc="The id of the token.")
                created_by_id = Column(Integer, ForeignKey("users.id"))
                name = Column(String, nullable=False)
            """, ("tokens", "id"), (None, None, None),
            id="negative: a token's id its doc only calls the token's id"),
        pytest.param("""
            class MeteredUsage(Base):
                __tablename__ = "metered_usage"
                id = Column(Integer, primary_key=True)
                creator_id = Column(Integer)
                creator_name = Column(String(255))
                quantity = Column(Integer)
            """, ("metered_usage", "creator_name"),
            ("direct_identifier", "medium", "name 'creator_name' on a String column: who did "
                                            "it, by name"),
            id="a creator's name is who made the row (gpustack: metered_usage.creator_name; "
               "cloudify-manager: audit_log.creator_name)"),
        pytest.param("""
            class ApiKey(Base):
                __tablename__ = "api_keys"
                id = Column(Integer, primary_key=True)
                access_key = Column(String(64), unique=True)
                hashed_secret_key = Column(String(255))
            """, ("api_keys", "access_key"), (None, None, None),
            id="negative: an access key beside the hash of its secret is the pair's id "
               "(gpustack: api_keys.access_key)"),
        pytest.param("""
            class Office(Base):
                __tablename__ = "office"
                office_id = Column(Integer, primary_key=True)
                office_name = Column(String(100))
                office_email_paragraph = Column(String(2000))
            """, ("office", "office_email_paragraph"),
            ("free_text", "low", "name token 'paragraph', but nobody's record: no author or "
                                 "owner among the siblings"),
            id="an e-mail's paragraph is prose, no address (queue-management: "
               "office.office_email_paragraph)"),
        pytest.param("""
            class Volume(Base):
                __tablename__ = "volumes"
                id = Column(Integer, primary_key=True)
                metadata_ = Column("metadata", JSON)
                encrypted = Column(Boolean)
            """, ("volumes", "metadata"),
            ("free_text", "low", "JSON blob 'metadata' of type 'JSON' may hold user data, but "
                                 "nobody's record: no author or owner among the siblings"),
            id="negative: an encrypted volume's metadata is not what the flag is about"),
        pytest.param("""
            class ZoneTransferRequest(Base):
                __tablename__ = "zone_transfer_requests"
                id = Column(String(36), primary_key=True)
                zone_id = Column(String(36))
                key = Column(String(255))
                target_tenant_id = Column(String(36))
            """, ("zone_transfer_requests", "key"),
            ("credential", "high", "name token 'key' in table 'zone_transfer_requests'"),
            id="the key that accepts an ownership transfer"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                country = Column(String)
                picture_url = Column(String)
            """, ("users", "country"),
            ("quasi_identifier", "medium", "name token 'country'"),
            id="a person's country"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                country = Column(String)
                picture_url = Column(String)
            """, ("users", "picture_url"),
            ("direct_identifier", "medium", "name 'picture_url'"),
            id="a person's profile picture"),
        pytest.param("""
            class Region(Base):
                __tablename__ = "regions"
                id = Column(Integer, primary_key=True)
                country = Column(String(2))
                picture_url = Column(String)
            """, ("regions", "country"), (None, None, None),
            id="negative: a region's country is nobody's"),
        pytest.param("""
            class SessionActivity(Base):
                __tablename__ = "session_activity"
                id = Column(Integer, primary_key=True)
                ip = Column(String(80))
                country = Column(String(3))
            """, ("session_activity", "country"),
            ("quasi_identifier", "medium", "name 'country', sibling 'ip': where and on what a "
                                           "person visited from"),
            id="the country a person visited from"),
        pytest.param("""
            class Rollover(Base):
                __tablename__ = "dnssec_rollover"
                id = Column(Integer, primary_key=True)
                started_by = Column(String(128))
            """, ("dnssec_rollover", "started_by"),
            ("direct_identifier", "medium", "name 'started_by' on a String column: who did it, "
                                            "by name"),
            id="started_by names the operator"),
        pytest.param("""
            class AgentExecution(Base):
                __tablename__ = "agent_execution"
                id = Column(Integer, primary_key=True)
                triggered_by = Column(String)
            """, ("agent_execution", "triggered_by"),
            ("direct_identifier", "medium", "name 'triggered_by' on a String column: who did "
                                            "it, by name"),
            id="triggered_by names who ran it (faraday)"),
        pytest.param("""
            class RoutingSlip(Base):
                __tablename__ = "routing_slips"
                id = Column(Integer, primary_key=True)
                created_by = Column(String(50))
                created_name = Column(String(100))
            """, ("routing_slips", "created_name"),
            ("direct_identifier", "medium", "name 'created_name' on a String column: who did "
                                            "it, by name"),
            id="created_name is who did it by full name (sbc-pay's Audit mixin)"),
        pytest.param("""
            class ShortNameLink(Base):
                __tablename__ = "eft_short_name_links"
                id = Column(Integer, primary_key=True)
                updated_by_name = Column(String(100))
                pad_tos_accepted_by = Column(String(50))
            """, ("eft_short_name_links", "updated_by_name"),
            ("direct_identifier", "medium", "name 'updated_by_name' on a String column: who "
                                            "did it, by name"),
            id="updated_by_name is who did it by full name (sbc-pay)"),
        pytest.param("""
            class PaymentAccount(Base):
                __tablename__ = "payment_accounts"
                id = Column(Integer, primary_key=True)
                pad_tos_accepted_by = Column(String(50))
            """, ("payment_accounts", "pad_tos_accepted_by"),
            ("direct_identifier", "medium", "name 'pad_tos_accepted_by' on a String column: "
                                            "who did it, by name"),
            id="accepted_by names who accepted (sbc-pay)"),
        pytest.param("""
            class Signoff(Base):
                __tablename__ = "shipit_api_signoffs"
                id = Column(Integer, primary_key=True)
                completed_by = Column(String)
            """, ("shipit_api_signoffs", "completed_by"),
            ("direct_identifier", "medium", "name 'completed_by' on a String column: "
                                            "who did it, by name"),
            id="completed_by names who signed off (shipit)"),
        pytest.param("""
            class Workflow(Base):
                __tablename__ = "workflow"
                id = Column(Integer, primary_key=True)
                created_by = Column(TEXT)
            """, ("workflow", "created_by"),
            ("direct_identifier", "medium", "name 'created_by' on a TEXT column: "
                                            "who did it, by name"),
            id="created_by on SQL's TEXT is who did it (keep)"),
        pytest.param("""
            class Incident(Base):
                __tablename__ = "incident"
                id = Column(Integer, primary_key=True)
                merged_by = Column(String)
            """, ("incident", "merged_by"),
            ("direct_identifier", "medium", "name 'merged_by' on a String column: "
                                            "who did it, by name"),
            id="merged_by names who merged (keep)"),
        pytest.param("""
            class CloseReason(Base):
                __tablename__ = "CloseReasons"
                closereasonid = Column(Integer, primary_key=True)
                createdby = Column(String(120))
                updatedby = Column(String(120))
            """, ("CloseReasons", "updatedby"),
            ("direct_identifier", "medium", "name 'updatedby' on a String column: "
                                            "who did it, by name"),
            id="updatedby, the words run together, names who changed it (foi-flow)"),
        pytest.param("""
            class Standby(Base):
                __tablename__ = "standby_nodes"
                id = Column(Integer, primary_key=True)
                nearby = Column(String(120))
            """, ("standby_nodes", "nearby"), (None, None, None),
            id="a word ending in 'by' is no actor unless its head is a verb of the list"),
        pytest.param("""
            class FOIRequestWatcher(Base):
                __tablename__ = "FOIRequestWatchers"
                watcherid = Column(Integer, primary_key=True)
                watchedby = Column(String(120))
            """, ("FOIRequestWatchers", "watchedby"),
            ("direct_identifier", "medium", "name 'watchedby' on a String column: "
                                            "who did it, by name"),
            id="watchedby names the watcher (foi-flow)"),
        pytest.param("""
            class TokenRevocation(Base):
                __tablename__ = "token_revocations"
                jti = Column(String(36), primary_key=True)
                revoked_by = Column(String(255))
            """, ("token_revocations", "revoked_by"),
            ("direct_identifier", "medium", "name 'revoked_by' on a String column: "
                                            "who did it, by name"),
            id="revoked_by names who revoked the token (mcp-context-forge)"),
        pytest.param("""
            class Alert(Base):
                __tablename__ = "incident_management_alert"
                id = Column(Integer, primary_key=True)
                assigned_to = Column(String)
            """, ("incident_management_alert", "assigned_to"),
            ("direct_identifier", "medium", "name 'assigned_to' on a String column: "
                                            "the person it is assigned to, by name"),
            id="assigned_to names the analyst it went to (copilot)"),
        pytest.param("""
            class FOIRawRequest(Base):
                __tablename__ = "FOIRawRequests"
                requestid = Column(Integer, primary_key=True)
                assignedto = Column(String(120))
            """, ("FOIRawRequests", "assignedto"),
            ("direct_identifier", "medium", "name 'assignedto' on a String column: "
                                            "the person it is assigned to, by name"),
            id="assignedto, run together, too (foi-flow)"),
        pytest.param("""
            class Task(Base):
                __tablename__ = "tasks"
                id = Column(Integer, primary_key=True)
                assigned_to = Column(String, ForeignKey("users.username"))
            """, ("tasks", "assigned_to"), (None, None, None),
            id="assigned_to as a foreign key is a reference, judged with its target"),
        pytest.param("""
            class Incident(Base):
                __tablename__ = "incident"
                id = Column(Integer, primary_key=True)
                merged_by = Column(Integer)
            """, ("incident", "merged_by"), (None, None, None),
            id="merged_by on a number is no name"),
        pytest.param("""
            class DynamicGroup(Base):
                __tablename__ = "t_dynamic_group"
                id = Column(Integer, primary_key=True)
                modify_user = Column(String(128))
            """, ("t_dynamic_group", "modify_user"),
            ("direct_identifier", "medium", "name 'modify_user' on a String column: "
                                            "who did it, by name"),
            id="modify_user names who changed the row (codo-cmdb)"),
        pytest.param("""
            class Department(Base):
                __tablename__ = "department"
                id = Column(Integer, primary_key=True)
                create_user = Column(Integer)
            """, ("department", "create_user"), (None, None, None),
            id="create_user on a number is the user's id (bisheng)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                user = Column(String(255), unique=True)
            """, ("users", "user"),
            ("direct_identifier", "medium", "name token 'user' in table 'users'"),
            id="a users table's user column is the username (pagure)"),
        pytest.param("""
            class Principal(Base):
                __tablename__ = "principals"
                id = Column(Integer, primary_key=True)
                name = Column(Unicode(100), unique=True)
            """, ("principals", "name"),
            ("direct_identifier", "medium", "name token 'name' in table 'principals'"),
            id="a principal's name is the login name (kotti)"),
        pytest.param("""
            class Event(Base):
                __tablename__ = "events"
                id = Column(Integer, primary_key=True)
                user = Column(String(255))
            """, ("events", "user"),
            ("direct_identifier", "medium", "name 'user' on a String column: who, by "
                                            "login"),
            id="a bare user column outside a person's row is a login (paddles: jobs.user)"),
        pytest.param("""
            class Document(Base):
                __tablename__ = "documents"
                id = Column(Integer, primary_key=True)
                uploaded_name = Column(Integer)
                rendered_name = Column(String(100))
            """, ("documents", "rendered_name"), (None, None, None),
            id="negative: a verb that no person does names no one"),
        pytest.param("""
            class CloudTrailEntry(Base):
                __tablename__ = "cloudtrail"
                id = Column(Integer, primary_key=True)
                event_name = Column(String(50))
                source_ip = Column(String(45))
            """, ("cloudtrail", "source_ip"), ("direct_identifier", "high", "name token 'ip'"),
            id="a caller's address in a copy of AWS's audit log (security_monkey)"),
        pytest.param("""
            class Listener(Base):
                __tablename__ = "listeners"
                id = Column(Integer, primary_key=True)
                event_name = Column(String(50))
                source_ip = Column(String(45))
            """, ("listeners", "source_ip"), (None, None, None),
            id="negative: nothing says whose the source address is"),
        pytest.param("""
            class User(Base):
                __tablename__ = "accounts_user"
                id = Column(Integer, primary_key=True)
                profile = Column(JSON)
            """, ("accounts_user", "profile"),
            ("direct_identifier", "medium", "name token 'profile'"),
            id="a user's profile names the person"),
        pytest.param("""
            class Cluster(Base):
                __tablename__ = "clusters"
                id = Column(Integer, primary_key=True)
                profile = Column(JSON)
            """, ("clusters", "profile"), (None, None, None),
            id="negative: a cluster's profile is nobody's"),
        pytest.param("""
            class EmailMessage(Base):
                __tablename__ = "ses_emails"
                id = Column(Integer, primary_key=True)
                to = Column(String(255))
                subject = Column(String(255))
            """, ("ses_emails", "to"),
            ("direct_identifier", "medium", "name 'to' in message table 'ses_emails': who it "
                                            "was sent to"),
            id="the recipient of a sent e-mail"),
        *[pytest.param(f"""
            class Recipe(Base):
                __tablename__ = "{table}"
                id = Column(Integer, primary_key=True)
                name = Column(String(128))
                {column} = Column(String())
            """, (table, column), (None, None, None),
            id=f"negative: a {table}'s {column} is no person's ({project})")
          for table, column, project in (("recipe", "photo", "kitchenowl"),
                                         ("imdb_movies", "photo", "flexget"),
                                         ("client", "avatar_url", "maubot"))],
        pytest.param("""
            class UserAvatar(Base):
                __tablename__ = "user_avatar"
                id = Column(Integer, primary_key=True)
                photo = Column(String())
            """, ("user_avatar", "photo"),
            ("direct_identifier", "medium", "name token 'photo'"),
            id="a table of users' avatars holds people's photos (faraday)"),
        pytest.param("""
            class Vendor(Base):
                __tablename__ = "vendors"
                vendor_id = Column(Integer, primary_key=True)
                display_name = Column(Text)
                legal_name = Column(Text)
            """, ("vendors", "legal_name"), (None, None, None),
            id="negative: a vendor's legal name is a company's (lvfs)"),
        *[pytest.param("""
            class Business(Base):
                __tablename__ = "businesses"
                id = Column(Integer, primary_key=True)
                identifier = Column(String(10))
                legal_name = Column(String(1000))
                tax_id = Column(String(15))
                founding_date = Column(DateTime)
            """, ("businesses", column), (None, None, None),
            id=f"negative: a registered business's {column} is no person's (lear)")
          for column in ("legal_name", "tax_id")],
        *[pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                email = Column(String(254))
                legal_name = Column(String(200))
                tax_id = Column(String(15))
            """, ("users", column), ("direct_identifier", "high", f"name '{column}'"),
            id=f"a user's {column} is a person's")
          for column in ("legal_name", "tax_id")],
        *[pytest.param("""
            class Email(Base):
                __tablename__ = "email"
                id = Column(Integer, primary_key=True)
                short = Column(String(250))
                from_addr = Column(Text)
                reply_to_addr = Column(Text)
                return_path_addr = Column(Text)
                subject = Column(Text)
            """, ("email", column),
            ("direct_identifier", "medium", f"name '{column}' in message table 'email': who "
                                            "sent it"),
            id=f"an inbound e-mail's {column} (docassemble)")
          for column in ("from_addr", "reply_to_addr", "return_path_addr")],
        pytest.param("""
            class Route(Base):
                __tablename__ = "routes"
                id = Column(Integer, primary_key=True)
                to = Column(String(255))
            """, ("routes", "to"), (None, None, None),
            id="negative: a route's destination is nobody"),
        pytest.param("""
            class ProhibitedUserName(Base):
                __tablename__ = "prohibited_user_names"
                id = Column(Integer, primary_key=True)
                name = Column(String(255), unique=True)
            """, ("prohibited_user_names", "name"),
            ("direct_identifier", "medium", "name token 'name' in table "
                                            "'prohibited_user_names': a user name"),
            id="the name in a table of user names is a username"),
        pytest.param("""
            class Node(Base):
                __tablename__ = "nodes"
                id = Column(Integer, primary_key=True)
                website = Column(String(200))
            """, ("nodes", "website"), (None, None, None),
            id="negative: a node's website is nobody's"),
        # the column's own evidence
        pytest.param("""
            class Export(Base):
                __tablename__ = "exports"
                id = Column(Integer, primary_key=True)
                download_token = Column(String(64), unique=True)
            """, ("exports", "download_token"),
            ("credential", "high", "name 'download_token'"), id="a qualified token"),
        pytest.param("""
            class Word(Base):
                __tablename__ = "words"
                id = Column(Integer, primary_key=True)
                token = Column(String(64), unique=True)
            """, ("words", "token"),
            ("credential", "high", "name token 'token'"), id="a unique bare token"),
        pytest.param("""
            class Mailer(Base):
                __tablename__ = "mailers"
                id = Column(Integer, primary_key=True)
                smtp_login = Column(Text, doc="the SMTP password, encrypted at rest")
            """, ("mailers", "smtp_login"),
            ("credential", "medium", "doc says 'password'"), id="the doc names a secret"),
        pytest.param("""
            class RemoteAccount(Base):
                __tablename__ = "remote_things"
                id = Column(Integer, primary_key=True)
                blob = Column(String(255))
                '''The encrypted access token of the remote account.'''
                label = Column(String(255))
                x = 1
                '''A string after something else documents nothing.'''
                other = Column(String(255))
            """, ("remote_things", "blob"),
            ("credential", "medium", "doc says 'token'"),
            id="an attribute docstring is the column's doc"),
        pytest.param("""
            class RemoteAccount(Base):
                __tablename__ = "remote_things"
                id = Column(Integer, primary_key=True)
                label = Column(String(255))
                x = 1
                '''The access token.'''
                other = Column(String(255))
            """, ("remote_things", "other"), (None, None, None),
            id="negative: a string after a non-column documents nothing"),
        pytest.param("""
            class Usertoken(Base):
                __tablename__ = "usertokens"
                id = Column(Integer, primary_key=True)
                value = Column(String(64))
            """, ("usertokens", "value"),
            ("credential", "high", "name token 'value' in table 'usertokens'"),
            id="concatenated table and class names: usertokens holds tokens"),
        pytest.param("""
            class Signer(Base):
                __tablename__ = "signers"
                id = Column(Integer, primary_key=True)
                signing_key = Column(Text)  # the public half only; safe to share
            """, ("signers", "signing_key"),
            ("credential", "low", "name 'signing_key', but the comment says 'public'"),
            id="negative: the comment says it is public"),
        # zeeguu: the link is public, the token in it is not
        pytest.param("""
            class Lesson(Base):
                __tablename__ = "lessons"
                id = Column(Integer, primary_key=True)
                # Unguessable token used in public share links. NULL until the owner first
                # generates a share link.
                share_uuid = Column(String(36), unique=True, nullable=True)
            """, ("lessons", "share_uuid"),
            ("credential", "high", "name 'share_uuid'"),
            id="a comment that calls it unguessable, used in public links, is no public value"),
        pytest.param("""
            class Lesson(Base):
                __tablename__ = "lessons"
                id = Column(Integer, primary_key=True)
                share_uuid = Column(String(36))  # public token, not secret
            """, ("lessons", "share_uuid"),
            ("credential", "low", "name 'share_uuid', but the comment says 'public'"),
            id="negative: a comment that says not secret still lowers it"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                password_date: Mapped[datetime.datetime] = mapped_column()
                prohibit_password_reset: Mapped[bool] = mapped_column()
            """, ("users", "password_date"), (None, None, None),
            id="negative: a Mapped[datetime] about a password"),
        # zou: a person's place in the organisation, in a person's row only
        pytest.param(_STAFF, ("person", "seniority"),
                     ("quasi_identifier", "medium", "name token 'seniority'"),
                     id="a person's seniority"),
        pytest.param(_STAFF, ("person", "position"),
                     ("quasi_identifier", "medium", "name token 'position'"),
                     id="a person's position"),
        pytest.param(_STAFF, ("person", "timezone"),
                     ("quasi_identifier", "medium", "name token 'timezone'"),
                     id="a person's own time zone"),
        pytest.param(_STAFF, ("forums", "timezone"), (None, None, None),
                     id="negative: a forum's time zone"),
        # aiida-core: db_dbuser.institution; funnel: ticket_participant.company (LABELING.md:
        # the employer of a person)
        pytest.param(_STAFF, ("person", "institution"),
                     ("quasi_identifier", "medium", "name token 'institution'"),
                     id="a person's employer"),
        pytest.param(_STAFF, ("forums", "company"), (None, None, None),
                     id="negative: the company a forum belongs to"),
        pytest.param(_STAFF, ("userprofile", "picture"),
                     ("direct_identifier", "medium", "name token 'picture'"),
                     id="a person's picture"),
        pytest.param(_STAFF, ("forums", "position"), (None, None, None),
                     id="negative: a forum's position is its order, even as a number"),
        pytest.param(_STAFF, ("userprofile", "picture_url"),
                     ("direct_identifier", "medium", "name 'picture_url'"),
                     id="a concatenated table name: userprofile is a profile table"),
        # ihatemoney: person_version keeps every past person.name, among transaction ids
        pytest.param(_PERSON_VERSIONED, ("person", "name"),
                     ("direct_identifier", "medium", "name token 'name' in table 'person'"),
                     id="a person's name in a person table (the original)"),
        pytest.param(_PERSON_VERSIONED, ("person_version", "name"),
                     ("direct_identifier", "medium",
                      "history copy of person.name: name token 'name' in table 'person'"),
                     id="its SQLAlchemy-Continuum history copy is judged as the original"),
        # prefect: block_document.data holds credential blocks' fields, written encrypted
        pytest.param(_SEALED.format(write="self.data = await encrypt_fernet(session, data)"),
                     ("block_document", "data"),
                     ("credential", "high", "written encrypted by BlockDocument.seal: "
                      "encrypt_fernet(...), line 16"),
                     id="a blob its class writes through an encrypting call"),
        pytest.param(_SEALED.format(write="self.data = Fernet(key).encrypt(raw).decode()"),
                     ("block_document", "data"),
                     ("credential", "high", "written encrypted by BlockDocument.seal: "
                      "encrypt(...), line 16"),
                     id="the encrypting call anywhere in the value"),
        pytest.param(_SEALED.format(write="self.dsn = box.encrypt(data)"),
                     ("block_document", "dsn"),
                     ("credential", "high", "name token 'dsn', written encrypted by "
                      "BlockDocument.seal: box.encrypt(...), line 16"),
                     id="a medium credential written encrypted blocks"),
        pytest.param(_SEALED.format(write="self.ssn = encrypt(data)"),
                     ("block_document", "ssn"),
                     ("direct_identifier", "high", "name token 'ssn'"),
                     id="an encrypted ssn stays a direct identifier"),
        pytest.param(_SEALED.format(write="self.data = decrypt(session, data)"),
                     ("block_document", "data"),
                     _UNSEALED_DATA,
                     id="negative: decrypting is not writing encrypted"),
        pytest.param(_SEALED.format(write="self.data = hashlib.sha256(data).hexdigest()"),
                     ("block_document", "data"),
                     _UNSEALED_DATA,
                     id="negative: a hash is a checksum as often as a secret"),
        pytest.param(_SEALED.format(write="other.data = encrypt(data)"),
                     ("block_document", "data"),
                     _UNSEALED_DATA,
                     id="negative: another object's attribute"),
        pytest.param(_SEALED.format(write="def inner(self):\n"
                                          "                self.data = encrypt(data)"),
                     ("block_document", "data"),
                     _UNSEALED_DATA,
                     id="negative: a nested function has its own self"),
        pytest.param(_PERSON_VERSIONED, ("person_version", "transaction_id"),
                     (None, None, None),
                     id="negative: a history table's bookkeeping column"),
        # privacyidea: people live in LDAP or SQL user stores; tokenowner.user_id is their ID
        pytest.param(_USER_STORE, ("tokenowner", "user_id"),
                     ("quasi_identifier", "medium", "name 'user_id' on a Unicode column with "
                      "no foreign key, and the repository's users are keyed by number: an "
                      "account at an external identity service"),
                     id="a string user_id where the users are numbered"),
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
                username = Column(UnicodeText(), unique=True)

            class Annotation(Base):
                __tablename__ = "annotation"
                id = Column(Integer, primary_key=True)
                userid = Column(UnicodeText, nullable=False)
            """, ("annotation", "userid"),
            ("quasi_identifier", "medium", "name 'userid' on a UnicodeText column with no "
             "foreign key, and the repository's users are keyed by number: an account at an "
             "external identity service"),
            id="a string userid where the users are numbered"),
        pytest.param("""
            class Activation(Base):
                __tablename__ = "activation"
                id = Column(Integer, primary_key=True)
                code = Column(UnicodeText(), nullable=False, unique=True)
            """, ("activation", "code"),
            ("credential", "high", "name token 'code' in table 'activation'"),
            id="the code of an account activation row"),
        pytest.param("""
            class UserIdentity(Base):
                __tablename__ = "user_identity"
                id = Column(Integer, primary_key=True)
                provider = Column(UnicodeText(), nullable=False)
                provider_unique_id = Column(UnicodeText(), nullable=False)
                user_id = Column(Integer, ForeignKey("user.id"))
            """, ("user_identity", "provider_unique_id"),
            ("quasi_identifier", "medium", "name 'provider_unique_id' on a UnicodeText column "
             "in identity table 'user_identity': a person's account ID at an external "
             "provider"),
            id="the account ID at the identity provider"),
        pytest.param(_USER_STORE.replace("username = Column(Unicode(120), unique=True)",
                                         "last_login = Column(TZDateTime)"),
                     ("admin", "last_login"), (None, None, None),
                     id="negative: a person's last login date is when, not who"),
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
                password = Column(String(255))
                password_update_time = Column(DateTimeStoredAsUTC, nullable=True)
                latest_token_revocation_time = Column(DateTimeStoredAsUTC)
            """, ("user", "password_update_time"), (None, None, None),
            id="negative: a project's own date-and-time type holds no password "
               "(mobilic: DateTimeStoredAsUTC)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
                password = Column(String(255))
                latest_token_revocation_time = Column(DateTimeStoredAsUTC)
            """, ("user", "latest_token_revocation_time"), (None, None, None),
            id="negative: a token's revocation time, in a project's own date type (mobilic)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "Users"
                ID = Column(INTEGER(unsigned=True), primary_key=True)
                Username = Column(String(32))
                LastSSHLogin = Column(BIGINT(unsigned=True), nullable=False)
            """, ("Users", "LastSSHLogin"), (None, None, None),
                     id="negative: a MySQL BIGINT named for a login is a time, not who "
                        "(aurweb: Users.LastSSHLogin)"),
        pytest.param("""
            class Audit(Base):
                __tablename__ = "pidea_audit"
                id = Column(Integer, primary_key=True)
                user = Column(Unicode(320))
                administrator = Column(Unicode(320))
                action = Column(Unicode(50))
            """, ("pidea_audit", "administrator"),
            ("direct_identifier", "medium", "name 'administrator' on a Unicode column in "
             "'pidea_audit', a record of what happened: who did it, by name"),
            id="who did it, by name, in an audit log"),
        pytest.param("""
            class Service(Base):
                __tablename__ = "services"
                id = Column(Integer, primary_key=True)
                user = Column(Unicode(320))
            """, ("services", "user"),
            ("direct_identifier", "medium", "name 'user' on a Unicode column: who, by "
                                            "login"),
            id="the user a service runs as reads as a login too (jupyterhub: services.user, "
               "labelled none, one of the 6 in 25 that are not)"),
        pytest.param(_USER_STORE, ("challenge", "serial"), (None, None, None),
                     id="negative: a serial the comment says is a token's, beside an expiry"),
        pytest.param("""
            class TOTPCode(Base):
                __tablename__ = "totp_codes"
                id = Column(String, primary_key=True)
                totp_identifier = Column(String, index=True)
                content = Column(String)
                code = Column(String)
            """, ("totp_codes", "code"),
            ("credential", "high", "name token 'code' in table 'totp_codes'"),
            id="a code in a table of codes named for a credential kind (skyvern: totp_codes)"),
        pytest.param("""
            class TagKey(Base):
                __tablename__ = "tag_keys"
                id = Column(String, primary_key=True)
                key = Column(String, unique=True)
            """, ("tag_keys", "key"), (None, None, None),
            id="negative: a tag's key names the tag (skyvern: tag_keys.key)"),
        pytest.param("""
            class Email(Base):
                __tablename__ = "auth_email"
                uuid = Column(String(38), primary_key=True)
                address = Column(Text, unique=True, nullable=False)
                confirmed = Column(Boolean)
            """, ("auth_email", "address"),
            ("direct_identifier", "high", "name token 'address' in table 'auth_email': a "
             "person's email"),
            id="the address of a row of e-mails (wazo-auth: auth_email.address)"),
        pytest.param(_VARIABLES, ("dbgpt_serve_variables", "value"),
                     ("credential", "high", "name 'value', sibling 'encryption_method': the row "
                      "says its value is stored encrypted"),
                     id="a value beside its encryption method (db-gpt: secret variables)"),
        pytest.param(_VARIABLES, ("dbgpt_serve_variables", "category"), (None, None, None),
                     id="negative: a category whose doc says 'secret' classifies, holds nothing"),
        pytest.param("""
            class Token(Base):
                __tablename__ = "auth_token"
                uuid = Column(String(38), primary_key=True)
                session_uuid = Column(String(36), ForeignKey("auth_session.uuid"))
                auth_id = Column(Text, nullable=False)
                issued_t = Column(Integer)
                expire_t = Column(Integer)
                acl = Column(ARRAY(Text))
            """, ("auth_token", "uuid"),
            ("credential", "high", "string primary key of table 'auth_token', beside 'expire_t', "
             "and no other column holds the secret: the key is the secret"),
            id="the key of an expiring row of tokens is the token (wazo-auth: auth_token.uuid)"),
        pytest.param("""
            class CronTrigger(Base):
                __tablename__ = "cron_triggers_v2"
                id = Column(String(36), primary_key=True)
                workflow_input_hash = Column(CHAR(64))
                trust_id = Column(String(80))
            """, ("cron_triggers_v2", "workflow_input_hash"), (None, None, None),
            id="negative: a hash beside a trust id verifies no trust (mistral)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            class VerifyCode(Base):
                __tablename__ = "verify_codes"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
                _code = Column(String, nullable=False)
                expiry_datetime = Column(DateTime, nullable=False)
            """, ("verify_codes", "_code"),
            ("credential", "high", "name token 'code', sibling 'expiry_datetime', sibling "
             "'user_id' (foreign key to users.id)"),
            id="a code that expires (expiry_datetime) and is a user's is a one-time code "
               "(notifications-api)"),
        *[pytest.param(f"""
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
            class {cls}(Base):
                __tablename__ = "{table}"
                challenge_hash = Column(String(256), primary_key=True)
                user_id = Column(Integer, ForeignKey("user.id"), nullable=False)
            """, (table, "challenge_hash"),
            ("credential", "high", f"name token 'hash' in table '{table}'"),
            id=f"the hash in a {table} row is of the mailed token (kitchenowl)")
          for cls, table in (("ChallengePasswordReset", "challenge_password_reset"),
                             ("ChallengeMailVerify", "challenge_mail_verify"))],
        pytest.param("""
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
            class PasswordTicket(Base):
                __tablename__ = "password_ticket"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("user.id"))
                hash = Column(String(64))
            """, ("password_ticket", "hash"),
            ("credential", "high", "name token 'hash' in table 'password_ticket'"),
            id="a password ticket's hash is the reset token the mail links to (viaduct)"),
        pytest.param("""
            class TLS(Base):
                __tablename__ = "tls"
                id = Column(Integer, primary_key=True)
                key = Column(String(4096), unique=True, nullable=False)
                certificate = Column(String(2048), unique=True, nullable=False)
            """, ("tls", "key"),
            ("credential", "high", "name token 'key' on a string of 4096 characters, sibling "
             "'certificate': the certificate's private key"),
            id="a long key beside a certificate is its private key (marzban: tls.key)"),
        pytest.param("""
            class Cert(Base):
                __tablename__ = "certs"
                id = Column(Integer, primary_key=True)
                key = Column(String(64), unique=True)
                cert = Column(Text)
            """, ("certs", "key"), (None, None, None),
            id="negative: a short key beside a certificate looks it up"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                user_id = Column(Integer, primary_key=True)
                auth_warning = Column(Text)
            class HsiReport(Base):
                __tablename__ = "hsi_reports"
                hsi_report_id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.user_id"), nullable=False)
                payload = Column(Text, nullable=False)
                signature = Column(Text, default=None)
            """, ("hsi_reports", "signature"), (None, None, None),
            id="negative: a user's signature of the report proves who sent it: the owner does not "
               "make it a credential (lvfs)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                user_id = Column(Integer, primary_key=True)
                human_user_id = Column(Integer, ForeignKey("users.user_id"))
                auth_warning = Column(Text)
            """, ("users", "auth_warning"), (None, None, None),
            id="negative: a warning about the account's login is about it, not it (lvfs)"),
        pytest.param("""
            class Notification(Base):
                __tablename__ = "notifications"
                id = Column(Integer, primary_key=True)
                to = Column(String, nullable=False)
            """, ("notifications", "to"),
            ("direct_identifier", "medium",
             "name 'to' in message table 'notifications': who it was sent to"),
            id="a sent notification's recipient (notifications-api)"),
        *[pytest.param(_API_KEYS, ("api_keys", column), expected, id=why)
          for column, expected, why in (
              ("api_key", (None, None, None),
               "negative: an api_key beside its api_secret is the pair's id (osparc-simcore)"),
              ("api_secret", ("credential", "high", "name token 'secret'"),
               "the api_secret beside it is the secret (osparc-simcore)"))],
        pytest.param("""
            class Token(Base):
                __tablename__ = "tokens"
                token_id = Column(BigInteger, primary_key=True)
                user_id = Column(BigInteger, ForeignKey("users.id"), nullable=False)
                token_service = Column(String, nullable=False)
                token_data = Column(JSON, nullable=False)
            """, ("tokens", "token_service"), (None, None, None),
            id="negative: which service issued the token (osparc-simcore: tokens.token_service)"),
        pytest.param("""
            class VendorSecret(Base):
                __tablename__ = "services_vendor_secrets"
                service_key = Column(String, primary_key=True)
                service_base_version = Column(String, primary_key=True)
                secrets_map = Column(JSONB, nullable=False)
            """, ("services_vendor_secrets", "service_key"), (None, None, None),
            id="negative: the service a secrets table's row belongs to (osparc-simcore)"),
        pytest.param("""
            class Confirmation(Base):
                __tablename__ = "confirmations"
                code = Column(Text, primary_key=True, doc="A secret code passed by link")
                user_id = Column(BigInteger, ForeignKey("users.id"))
                action = Column(String, nullable=False)
            """, ("confirmations", "code"),
            ("credential", "high", "name token 'code' in table 'confirmations'"),
            id="the code of a confirmation link (osparc-simcore: confirmations.code)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            class Payment(Base):
                __tablename__ = "payments_transactions"
                payment_id = Column(String, primary_key=True)
                user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
                invoice_url = Column(String, nullable=True)
            """, ("payments_transactions", "invoice_url"),
            ("credential", "high", "name 'invoice_url', sibling 'user_id' (foreign key to "
             "users.id)"),
            id="a hosted invoice link is a capability (osparc-simcore: payments_transactions)"),
        pytest.param("""
            class LLMModelConfig(Base):
                __tablename__ = "llm_model_configs"
                config_id = Column(Integer, primary_key=True)
                config = Column(JSON)  # Config fields: provider, base_url, api_key, etc.
            """, ("llm_model_configs", "config"),
            ("credential", "high", "comment says 'api key', a JSON column: the comment lists "
             "what it keeps"),
            id="a JSON column whose comment lists an api_key among its fields (gns3-server)"),
        pytest.param("""
            class UserAuthFactor(Base):
                __tablename__ = "user_auth_factor"
                id = Column(Integer, primary_key=True)
                secret = Column(LargeBinary(4096))
                extra = Column(JSON)
                \"\"\"Used for additional data, such as the list of recovery codes for 2FA\"\"\"
            """, ("user_auth_factor", "extra"),
            ("credential", "high", "doc says 'recovery code', a JSON column: the doc lists "
             "what it keeps"),
            id="a JSON blob its docstring says keeps recovery codes (meta-srht)"),
        pytest.param("""
            class ArticleLevelSummary(Base):
                __tablename__ = "article_level_summary"
                id = Column(Integer, primary_key=True)
                summary = Column(UnicodeText)
                # Cached token stream (same shape as the tokenization cache)
                tokenized_summary = Column(JSON)
            """, ("article_level_summary", "tokenized_summary"),
            ("free_text", "low", "name token 'summary', but nobody's record: no author or "
             "owner among the siblings"),
            id="negative: a JSON blob a source comment calls a 'token stream' (zeeguu)"),
        pytest.param("""
            class OAuthToken(Base):
                __tablename__ = "oauthtoken"
                id = Column(Integer, primary_key=True)
                expires = Column(DateTime, nullable=False)
                token_hash = Column(String(128), nullable=False)
                token_partial = Column(String(8), nullable=False)
            """, ("oauthtoken", "token_partial"), (None, None, None),
            id="negative: a token's first characters, shown to recognise it (meta-srht)"),
        pytest.param("""
            class APIKey(Base):
                __tablename__ = "api_keys"
                id = Column(Integer, primary_key=True)
                key_hash = Column(String(64), nullable=False, unique=True)
                api_key_trimmed = Column(String(16), nullable=False)
            """, ("api_keys", "api_key_trimmed"), (None, None, None),
            id="negative: a key's masked display form opens nothing (pasarguard)"),
        pytest.param("""
            class RepoWebhookDelivery(Base):
                __tablename__ = "repo_webhook_delivery"
                id = Column(Integer, primary_key=True)
                event = Column(Unicode(256), nullable=False)
                url = Column(Unicode(2048), nullable=False)
                payload = Column(Unicode(65536), nullable=False)
                payload_headers = Column(Unicode(16384), nullable=False)
            """, ("repo_webhook_delivery", "payload"),
            ("direct_identifier", "medium", "name 'payload' in delivery table "
             "'repo_webhook_delivery': the event body sent out carries the records it reports"),
            id="a webhook delivery's payload reports people (git-srht, todo-srht, dify)"),
        pytest.param("""
            class RepoWebhookDelivery(Base):
                __tablename__ = "repo_webhook_delivery"
                id = Column(Integer, primary_key=True)
                payload = Column(Unicode(65536), nullable=False)
                payload_headers = Column(Unicode(16384), nullable=False)
            """, ("repo_webhook_delivery", "payload_headers"), (None, None, None),
            id="negative: a delivery's headers are the payload's signature (git-srht)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                oauth_id = Column(String(50), unique=True)
            """, ("users", "oauth_id"),
            ("quasi_identifier", "medium", "name 'oauth_id' on a String column in person "
                                           "table 'users': the person's ID at the system they "
                                           "come from"),
            id="a user's account ID at the OAuth provider (ai-horde)"),
        pytest.param("""
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                external_id = Column(String(255), nullable=True)
            """, ("users", "external_id"),
            ("quasi_identifier", "medium", "name 'external_id' on a String column in person "
             "table 'users': the person's ID at the system they come from"),
            id="a person's external id names them at their provider (placement, iris-web)"),
        pytest.param("""
            class Vote(Base):
                __tablename__ = "votes"
                id = Column(Integer, primary_key=True)
                external_id = Column(String(255), nullable=True)
            """, ("votes", "external_id"), (None, None, None),
            id="negative: a vote's external id is the source system's record (onegov)"),
        pytest.param("""
            class AuthClientCredential(Base):
                __tablename__ = "auth_client_credential"
                id = Column(Integer, primary_key=True)
                #: User description for this credential
                title = Column(Unicode(250), nullable=False, default="")
                #: OAuth client secret, hashed
                secret_hash = Column(String)
            """, ("auth_client_credential", "title"), (None, None, None),
            id="negative: the title a person gives a credential describes it (funnel)"),
        pytest.param("""
            class AuthClientPermissions(Base):
                __tablename__ = "auth_client_permissions"
                id = Column(Integer, primary_key=True)
                #: The permissions as a string of tokens
                access_permissions = Column("permissions", Unicode, default="")
            """, ("auth_client_permissions", "permissions"), (None, None, None),
            id="negative: permissions a comment calls 'a string of tokens' (funnel)"),
        pytest.param("""
            class WifiShard(Base):
                __tablename__ = "wifi_shard_0"
                mac = Column(String(12), primary_key=True)
                lat = Column(Float)
                lon = Column(Float)
            """, ("wifi_shard_0", "lat"), (None, None, None),
            id="negative: a radio station's latitude is no person's whereabouts (ichnaea)"),
        pytest.param("""
            class Contributor(Base):
                __tablename__ = "contributors"
                cntrb_id = Column(Integer, primary_key=True)
                cntrb_login = Column(String)
                cntrb_lat = Column(Float)
            """, ("contributors", "cntrb_lat"),
            ("quasi_identifier", "medium", "name token 'lat'"),
            id="a contributor's latitude is a person's (augur)"),
        pytest.param("""
            class Report(Base):
                __tablename__ = "workspace_summary_report"
                id = Column(Integer, primary_key=True)
                recipients = Column(JSONType)
            """, ("workspace_summary_report", "recipients"),
            ("direct_identifier", "medium", "name token 'recipients'"),
            id="who a report is e-mailed to (faraday)"),
        pytest.param("""
            class Whitelist(Base):
                __tablename__ = "service_whitelist"
                id = Column(Integer, primary_key=True)
                recipient_type = Column(Enum("mobile", "email"))
            """, ("service_whitelist", "recipient_type"), (None, None, None),
            id="negative: a recipient's type is an enum (notifications-api)"),
        pytest.param("""
            class Event(Base):
                __tablename__ = "event"
                id = Column(Integer, primary_key=True)
                participants = Column(JSON)
                max_participants = Column(Integer)
            """, ("event", "participants"),
            ("direct_identifier", "medium", "name token 'participants'"),
            id="an event's participants as a JSON list (sync-engine)"),
        pytest.param("""
            class Mailer(Base):
                __tablename__ = "mailer"
                id = Column(Integer, primary_key=True)
                cc = Column(UnicodeText)
            """, ("mailer", "cc"),
            ("direct_identifier", "medium", "name 'cc' in message table 'mailer': who it was "
                                            "sent to"),
            id="a mass mailing's copies (funnel)"),
        pytest.param("""
            class Card(Base):
                __tablename__ = "cards"
                id = Column(Integer, primary_key=True)
                cc = Column(String(4))
            """, ("cards", "cc"), (None, None, None),
            id="negative: cc outside a message is no recipient"),
        pytest.param("""
            class Message(Base):
                __tablename__ = "message"
                id = Column(Integer, primary_key=True)
                to_addr = Column(JSON)
            """, ("message", "to_addr"),
            ("direct_identifier", "medium", "name 'to_addr' on a JSON column in message table "
                                            "'message': who it was sent to"),
            id="a message's recipients as a JSON list (sync-engine)"),
        pytest.param("""
            class PhoneNumber(Base):
                __tablename__ = "phone_number"
                id = Column(Integer, primary_key=True)
                number = Column(Unicode(16))
            """, ("phone_number", "number"),
            ("direct_identifier", "medium", "name token 'number' in table 'phone_number': a "
                                            "phone number"),
            id="a phone number's row holds the number (funnel)"),
        pytest.param("""
            class Contact(Base):
                __tablename__ = "contact"
                id = Column(Integer, primary_key=True)
                name = Column(Text)
                user = Column(Text)
            """, ("contact", "name"),
            ("direct_identifier", "medium", "name token 'name' in table 'contact'"),
            id="an address book entry names a person (sync-engine)"),
        pytest.param("""
            class Contact(Base):
                __tablename__ = "contact"
                id = Column(Integer, primary_key=True)
                name = Column(Text)
                user = Column(Text)
            """, ("contact", "user"),
            ("direct_identifier", "medium", "name 'user' on a Text column: who, by "
                                            "login"),
            id="a contact's user is its owner's login (mautrix-facebook, labelled none)"),
        pytest.param("""
            class Member(Base):
                __tablename__ = "lbaas_members"
                id = Column(String(36), primary_key=True)
                subnet_id = Column(String(36))
                address = Column(String(64))
                name = Column(String(255))
            """, ("lbaas_members", "address"), (None, None, None),
            id="negative: a pool member on a subnet is a machine (neutron-lbaas, octavia)"),
        pytest.param("""
            class AuthClient(Base):
                __tablename__ = "auth_client"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("user.id"))
                notification_uri = Column(UnicodeText)
            """, ("auth_client", "notification_uri"), (None, None, None),
            id="negative: an OAuth client's notification endpoint (lastuser, funnel)"),
        pytest.param("""
            class RoleInvite(Base):
                __tablename__ = "role_invites"
                id = Column(Integer, primary_key=True)
                email = Column(String)
                hash = Column(String, default=generate_hash)
                status = Column(String, default="pending")
            """, ("role_invites", "hash"),
            ("credential", "high", "name token 'hash' in table 'role_invites'"),
            id="an invitation's hash is what its link carries (open-event-server)"),
        pytest.param("""
            class Invitation(Base):
                __tablename__ = "invitations"
                id = Column(Integer, primary_key=True)
                token = Column(String(100))
                invitation_status_code = Column(String(15), ForeignKey("invitation_statuses.code"))
            """, ("invitations", "invitation_status_code"), (None, None, None),
            id="negative: an invitation's status code is a category (sbc-auth)"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                id = Column(Integer, primary_key=True)
                title = Column(String)
                complex_field_values = Column(JSON)
            """, ("sessions", "complex_field_values"), (None, None, None),
            id="negative: a qualified value in a sessions table is the qualifier's "
               "(open-event-server's talks)"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                id = Column(String(64), primary_key=True)
                value = Column(JSON)
            """, ("sessions", "value"),
            ("credential", "high", "name token 'value' in table 'sessions'"),
            id="a sessions table's bare value is the session"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                session_id = Column(String(127), primary_key=True)
                last_activity = Column(DateTime)
                data = Column(Text)
            """, ("sessions", "session_id"),
            ("credential", "high", "name 'session_id' in sessions table 'sessions', sibling "
             "'last_activity': the value that logs the session's user in"),
            id="a session id beside the session's last activity (socorro: sessions)"),
        pytest.param("""
            class ProjectSession(Base):
                __tablename__ = "project_sessions"
                id = Column(Integer, primary_key=True)
                session_id = Column(String, unique=True)
                start_time = Column(DateTime)
                end_time = Column(DateTime)
            """, ("project_sessions", "session_id"), (None, None, None),
            id="negative: a traced conversation's session, no login and no activity (phoenix)"),
        pytest.param("""
            class Parliamentarian(Base):
                __tablename__ = "par_parliamentarians"
                id = Column(Integer, primary_key=True)
                first_name = Column(String)
                last_name = Column(String)
                private_address = Column(String)
                private_address_addition = Column(String)
                private_address_zip_code = Column(String)
                private_address_city = Column(String)
            """, ("par_parliamentarians", "private_address_addition"),
            ("direct_identifier", "high", "name token 'address', sibling "
             "'private_address_city': a postal address"),
            id="a private address with its own zip code and city is a postal address (onegov)"),
        pytest.param("""
            class Cluster(Base):
                __tablename__ = "clusters"
                id = Column(Integer, primary_key=True)
                username = Column(String)
                scheduler_address = Column(String)
                private_address = Column(String)
            """, ("clusters", "private_address"), (None, None, None),
            id="negative: a machine's private address, no postal parts (dask-gateway)"),
        pytest.param("""
            class UserApiKey(Base):
                __tablename__ = "userapikey"
                id = Column(Integer, primary_key=True)
                user_id = Column(Integer, ForeignKey("user.id"))
                token_jti = Column(UnicodeText, index=True, unique=True)
                token_exp = Column(DateTime)
            """, ("userapikey", "token_jti"), (None, None, None),
            id="negative: a JWT's ID names the token, it is not the token (openrelik-server)"),
        pytest.param("""
            class AuthorizationFlows(Base):
                __tablename__ = "AuthorizationFlows"
                uuid = mapped_column("UUID", Uuid, primary_key=True)
                client_id = mapped_column("ClientID", String(255))
                code_challenge = mapped_column("CodeChallenge", String(255))
                redirect_uri = mapped_column("RedirectURI", String(255))
                code = mapped_column("Code", String(255))
            """, ("AuthorizationFlows", "Code"),
            ("credential", "high", "name 'code' beside 'CodeChallenge': the code of an OAuth "
             "grant, redeemed for tokens"),
            id="a code beside a PKCE challenge is the authorization code (diracx)"),
        pytest.param("""
            class DeviceFlows(Base):
                __tablename__ = "DeviceFlows"
                user_code = mapped_column("UserCode", String(8), primary_key=True)
                device_code = mapped_column("DeviceCode", String(128), unique=True)
            """, ("DeviceFlows", "UserCode"),
            ("credential", "high", "name 'user_code' beside 'DeviceCode': the code of an OAuth "
             "grant, redeemed for tokens"),
            id="a user code beside a device code is the code that approves the device (diracx)"),
        pytest.param("""
            class DeviceFlows(Base):
                __tablename__ = "DeviceFlows"
                user_code = mapped_column("UserCode", String(8), primary_key=True)
                device_code = mapped_column("DeviceCode", String(128), unique=True)
            """, ("DeviceFlows", "DeviceCode"),
            ("credential", "high", "name 'device_code'"),
            id="RFC 8628's device code (diracx)"),
        pytest.param("""
            class GptsApp(Base):
                __tablename__ = "gpts_app"
                id = Column(Integer, primary_key=True)
                user_code = Column(String(255))
            """, ("gpts_app", "user_code"), (None, None, None),
            id="negative: a user code with no device code beside it is a user's id (db-gpt)"),
        pytest.param("""
            class AuthorizationFlows(Base):
                __tablename__ = "AuthorizationFlows"
                uuid = mapped_column("UUID", Uuid, primary_key=True)
                redirect_uri = mapped_column("RedirectURI", String(255))
                id_token: Mapped[dict[str, Any]] = mapped_column("IDToken")
            """, ("AuthorizationFlows", "IDToken"),
            ("direct_identifier", "medium", "name 'id_token' on a dict column: an ID token's "
             "claims, decoded (who the person is), not the signed token"),
            id="an ID token kept as a mapping is its claims (diracx)"),
        pytest.param("""
            class RefreshTokens(Base):
                __tablename__ = "RefreshTokens"
                jti = mapped_column("JTI", Uuid, primary_key=True)
                # User attributes bound to the refresh token
                sub: Mapped[str] = mapped_column("Sub", String(256), index=True)
            """, ("RefreshTokens", "Sub"),
            ("quasi_identifier", "medium", "name 'sub' on a String column: a person's subject "
             "at an identity provider"),
            id="the OIDC subject is the person's account at the provider, not the token the "
               "comment names (diracx; kitchenowl, lear, ppr)"),
        pytest.param("""
            class Email(Base):
                __tablename__ = "email"
                id = Column(Integer, primary_key=True)
                sender_id = Column(Integer, ForeignKey("user.id"))
                subject = Column(Unicode(512))
                headers = Column(JSON)
            """, ("email", "headers"),
            ("direct_identifier", "medium", "name 'headers' in message table 'email': the "
             "message's headers name who sent it and to whom"),
            id="an e-mail's headers name its sender and recipients, no Authorization "
               "(lists-srht; datanommer)"),
        pytest.param("""
            class Webhook(Base):
                __tablename__ = "webhooks"
                id = Column(Integer, primary_key=True)
                url = Column(String(255))
                headers = Column(JSON)
            """, ("webhooks", "headers"),
            ("credential", "medium", "blob name 'headers' of type 'JSON': headers carry "
             "credentials (Authorization, API keys, cookies)"),
            id="a request's headers still carry credentials"),
        pytest.param("""
            class Snapshot(Base):
                __tablename__ = "snapshots"
                id = Column(Integer, primary_key=True)
                # every pipeline related information that is
                # not considered a secret
                pipelines = Column(JSON)
            """, ("snapshots", "pipelines"), (None, None, None),
            id="negative: a comment that denies a secret (orchest: snapshots.pipelines)"),
        pytest.param("""
            class Snapshot(Base):
                __tablename__ = "snapshots"
                id = Column(Integer, primary_key=True)
                # the deploy secret, not a path
                pipelines = Column(JSON)
            """, ("snapshots", "pipelines"),
            ("credential", "high", "comment says 'secret', a JSON column: the comment lists "
             "what it keeps"),
            id="a negation after the word denies something else"),
        pytest.param("""
            class Complaint(Base):
                __tablename__ = "citizen_complaints"
                id = Column(Integer, primary_key=True)
                resident_age = Column(String(255))
                max_age = Column(Integer)
            """, ("citizen_complaints", "resident_age"),
            ("quasi_identifier", "medium", "name token 'age', qualifier 'resident' names a "
             "person"),
            id="an age its qualifier says is a person's, in an incident's row (comport)"),
        pytest.param("""
            class Complaint(Base):
                __tablename__ = "citizen_complaints"
                id = Column(Integer, primary_key=True)
                resident_age = Column(String(255))
                analysis_age = Column(Integer)
            """, ("citizen_complaints", "analysis_age"), (None, None, None),
            id="negative: an analysis's age in the same row"),
        pytest.param("""
            class Invoice(Base):
                __tablename__ = "FOIRequestInvoices"
                invoiceid = Column(Integer, primary_key=True)
                applicant_address = Column(String(200))
            """, ("FOIRequestInvoices", "applicant_address"),
            ("direct_identifier", "high", "name token 'address', qualifier 'applicant' names a "
             "person"),
            id="an address its qualifier says is an applicant's, on an invoice (foi-flow)"),
        pytest.param("""
            class Recipient(Base):
                __tablename__ = "recipient"
                id = Column(Integer, primary_key=True)
                sublime_alert_id = Column(Integer, ForeignKey("sublime_alerts.id"))
                email = Column(String)
                name = Column(String)
            """, ("recipient", "name"),
            ("direct_identifier", "medium", "name token 'name' in table 'recipient'"),
            id="a message recipient's row is a person's: its name is theirs (copilot)"),
        pytest.param("""
            class SSOProvider(Base):
                __tablename__ = "sso_providers"
                id = Column(String(36), primary_key=True)
                api_audience = Column(String(500))  # Expected `aud` of inbound access tokens
            """, ("sso_providers", "api_audience"), (None, None, None),
            id="negative: the audience tokens must name is public (mcp-context-forge)"),
        pytest.param("""
            class OAuthToken(Base):
                __tablename__ = "oauth_tokens"
                id = Column(Integer, primary_key=True)
                access_token = Column(Text)
                expires_at = Column(DateTime)
                # The audience the provider put in its access tokens.
                learned_aud = Column(JSON)
            """, ("oauth_tokens", "learned_aud"), (None, None, None),
            id="negative: an audience learned from the tokens, beside them (mcp-context-forge)"),
        pytest.param("""
            class OAuth2Code(Base):
                __tablename__ = "t_oauth2_codes"
                client_id = Column(String(64), nullable=False)
                code = Column(String(128), nullable=False, primary_key=True)
                scope = Column(String(512))
                dlg_id = Column(String(100), nullable=False)
            """, ("t_oauth2_codes", "code"),
            ("credential", "high", "name token 'code' in table 't_oauth2_codes'"),
            id="an OAuth grant's code keyed by itself, no redirect_uri beside it "
               "(fts-rest-flask)"),
        pytest.param("""
            class OAuth2Code(Base):
                __tablename__ = "t_oauth2_codes"
                client_id = Column(String(64), nullable=False)
                code = Column(String(128), nullable=False, primary_key=True)
                scope = Column(String(512))
            """, ("t_oauth2_codes", "scope"), (None, None, None),
            id="negative: the grant's scope"),
        pytest.param("""
            class Credential(Base):
                __tablename__ = "t_credential"
                dlg_id = Column(String(16), primary_key=True)
                dn = Column(String(255), primary_key=True)
                proxy = Column(Text)
                termination_time = Column(DateTime)
            """, ("t_credential", "proxy"),
            ("credential", "high", "name token 'proxy' in table 't_credential'"),
            id="a grid credential's delegated proxy: a certificate with its private key "
               "(fts-rest-flask)"),
        pytest.param("""
            class ServerSettings(Base):
                __tablename__ = "server_settings"
                id = Column(Integer, primary_key=True)
                proxy = Column(Text)
            """, ("server_settings", "proxy"), (None, None, None),
            id="negative: a proxy outside a table of credentials"),
        pytest.param("""
            class SecretLink(Base):
                __tablename__ = "rdm_records_secret_links"
                id = Column(Integer, primary_key=True)
                token = Column(Text, nullable=False)
                expires_at = Column(DateTime)
                origin = Column(String(255), doc="Origin information for the secret link.")
            """, ("rdm_records_secret_links", "origin"), (None, None, None),
            id="negative: a doc's 'secret link' names the row, as the table does "
               "(invenio-rdm-records)"),
        pytest.param("""
            class SecretLink(Base):
                __tablename__ = "rdm_records_secret_links"
                id = Column(Integer, primary_key=True)
                expires_at = Column(DateTime)
                origin = Column(String(255), doc="The secret the link carries.")
            """, ("rdm_records_secret_links", "origin"),
            ("credential", "high", "sibling 'expires_at', doc says 'secret'"),
            id="a doc that calls the column the secret still says so"),
        pytest.param("""
            class Job(Base):
                __tablename__ = "t_job"
                job_id = Column(String(36), primary_key=True)
                user_dn = Column(String(1024))
                space_token = Column(String(255))
                source_space_token = Column(String(255))
            """, ("t_job", "user_dn"),
            ("direct_identifier", "medium", "name token 'dn'"),
            id="a user's certificate DN holds their name (fts-rest-flask)"),
        pytest.param("""
            class Job(Base):
                __tablename__ = "t_job"
                job_id = Column(String(36), primary_key=True)
                user_dn = Column(String(1024))
                source_space_token = Column(String(255))
            """, ("t_job", "source_space_token"), (None, None, None),
            id="negative: SRM's space token names a storage reservation (fts-rest-flask)"),
        pytest.param("""
            class Settings(Base):
                __tablename__ = "settings"
                id = Column(Integer, primary_key=True)
                config_ldap_dn = Column(String)
                config_ldap_bind_dn = Column(String)
            """, ("settings", "config_ldap_dn"), (None, None, None),
            id="negative: an LDAP server's configured DN (calibre-web)"),
        pytest.param("""
            class Activity(Base):
                __tablename__ = "Activity"
                id = Column(Integer, primary_key=True)
                op_type = Column(String(128), nullable=False)
                op_user = Column(String(255), nullable=False)
                obj_type = Column(String(128), nullable=False)
                timestamp = Column(DateTime, nullable=False)
            """, ("Activity", "op_user"),
            ("direct_identifier", "medium", "name 'op_user' on a String column in 'Activity', "
             "a record of what happened: who did it, by name"),
            id="who acted, in a record of activity (seafevents)"),
        pytest.param("""
            class Session(Base):
                __tablename__ = "sessions"
                id = Column(Integer, primary_key=True)
                sessionId = Column(String(64), nullable=False, unique=True)
                username = Column(String(32), nullable=False)
                created_at = Column(DateTime)
                last_used = Column(DateTime)
            """, ("sessions", "sessionId"),
            ("credential", "high", "name 'session_id' in sessions table 'sessions', sibling "
             "'last_used': the value that logs the session's user in"),
            id="a login session's id, beside its last use (yubiauth)"),
    ],
)
def test_context_evidence(body: str, target: tuple[str, str],
                          expected: tuple[str | None, str | None, str | None]) -> None:
    assert _judge(body, *target) == expected


# BC's Modern Engagement Tools: one base model stamps created_by and updated_by on every table
_STAMPED = """
    class BaseModel(Base):
        __abstract__ = True
        created_by = Column(String(50))
        updated_by = Column(String(50))
    class Engagement(BaseModel):
        __tablename__ = "engagement"
        id = Column(Integer, primary_key=True)
        consent_message = Column(Text)
""" + "".join(f"""\
    class {name}(BaseModel):
        __tablename__ = "{name.lower()}"
        id = Column(Integer, primary_key=True)
""" for name in ("Survey", "Widget", "Timeline", "Poll"))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            _STAMPED,
            ("free_text", "low", "name token 'message', but nobody's record: no author or owner "
             "among the siblings"),
            id="a stamp every table carries is no author: the organisation's page (met-public)"),
        pytest.param(
            _STAMPED.replace("class Widget(BaseModel)", "class Widget(Base)")
                    .replace("class Timeline(BaseModel)", "class Timeline(Base)")
                    .replace("class Poll(BaseModel)", "class Poll(Base)"),
            ("free_text", "high", "name token 'message'"),
            id="negative: a mixin two of five tables carry still names the row's author"),
        pytest.param(
            _STAMPED.replace("        consent_message = Column(Text)\n",
                             "        consent_message = Column(Text)\n"
                             "        user_id = Column(Integer, ForeignKey('users.id'))\n"),
            ("free_text", "high", "name token 'message'"),
            id="negative: the row's own user is its author"),
    ],
)
def test_audit_stamps_on_every_table_are_no_author(
        body: str, expected: tuple[str | None, str | None, str | None]) -> None:
    assert _judge(body, "engagement", "consent_message") == expected


def test_how_the_repository_labels_similar_fields() -> None:
    body = """
        from app.vis import ColumnVisibility
        class SalesforceConnection(Base):
            __tablename__ = "salesforce_connections"
            id = Column(Integer, primary_key=True)
            sf_refresh = Column(Text, info={"visibility": ColumnVisibility.PRIVATE})
        class NetSuiteConnection(Base):
            __tablename__ = "netsuite_connections"
            id = Column(Integer, primary_key=True)
            ns_refresh = Column(Text)
            ns_region = Column(Text)
        """
    assert _judge(body, "netsuite_connections", "ns_refresh") == (
        "credential", "medium",
        "name token 'refresh', like labelled 'SalesforceConnection.sf_refresh'")
    # the name alone would not say enough
    lone = body.replace("info={\"visibility\": ColumnVisibility.PRIVATE}", "")
    assert _judge(lone, "netsuite_connections", "ns_refresh") == (None, None, None)
    assert _judge(body, "netsuite_connections", "ns_region") == (None, None, None)
