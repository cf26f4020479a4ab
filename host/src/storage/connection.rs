//! Storage connection strings, as the Functions host reads `AzureWebJobsStorage`.

use std::fmt;

use super::error::StorageError;

/// The account name and key of the storage emulator, the same in every emulator (Azurite, the
/// old Storage Emulator) and published by Microsoft: not a secret.
pub const DEVELOPMENT_ACCOUNT: &str = "devstoreaccount1";

/// The emulator's well-known Shared Key.
pub const DEVELOPMENT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// Azurite's default blob port.
pub const DEFAULT_BLOB_PORT: u16 = 10000;
/// Azurite's default queue port.
pub const DEFAULT_QUEUE_PORT: u16 = 10001;

/// A storage account: where its blob and queue services are and how to sign requests to them.
///
/// ```
/// use azfn_host::storage::StorageAccount;
///
/// let dev = StorageAccount::parse("UseDevelopmentStorage=true")?;
/// assert_eq!(dev.queue_endpoint(), "http://127.0.0.1:10001/devstoreaccount1");
///
/// let other = StorageAccount::parse(
///     "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=a2V5;\
///      QueueEndpoint=http://127.0.0.1:20001/acct;BlobEndpoint=http://127.0.0.1:20000/acct",
/// )?;
/// assert_eq!(other.name(), "acct");
/// # Ok::<(), azfn_host::storage::StorageError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StorageAccount {
    name: String,
    key: String,
    blob_endpoint: String,
    queue_endpoint: String,
    development: bool,
}

impl fmt::Debug for StorageAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key stays out of logs and panics.
        f.debug_struct("StorageAccount")
            .field("name", &self.name)
            .field("blob_endpoint", &self.blob_endpoint)
            .field("queue_endpoint", &self.queue_endpoint)
            .field("development", &self.development)
            .finish_non_exhaustive()
    }
}

impl StorageAccount {
    /// The emulator on its default ports (`UseDevelopmentStorage=true`).
    pub fn development() -> StorageAccount {
        StorageAccount::emulator("127.0.0.1", DEFAULT_BLOB_PORT, DEFAULT_QUEUE_PORT)
    }

    /// The emulator account on other ports, e.g. an Azurite started by a test.
    pub fn emulator(host: &str, blob_port: u16, queue_port: u16) -> StorageAccount {
        StorageAccount {
            name: DEVELOPMENT_ACCOUNT.into(),
            key: DEVELOPMENT_KEY.into(),
            blob_endpoint: format!("http://{host}:{blob_port}/{DEVELOPMENT_ACCOUNT}"),
            queue_endpoint: format!("http://{host}:{queue_port}/{DEVELOPMENT_ACCOUNT}"),
            development: true,
        }
    }

    /// Parses a connection string the way the Storage SDKs do: `key=value` pairs separated by
    /// `;`, keys case-insensitive. `UseDevelopmentStorage=true` (with an optional
    /// `DevelopmentStorageProxyUri`) is the emulator; otherwise `AccountName` and `AccountKey`
    /// are required, with explicit `BlobEndpoint`/`QueueEndpoint` or endpoints built from
    /// `DefaultEndpointsProtocol` and `EndpointSuffix`.
    pub fn parse(connection_string: &str) -> Result<StorageAccount, StorageError> {
        let invalid = |message: String| StorageError::ConnectionString { message };
        let mut pairs: Vec<(String, String)> = Vec::new();
        for part in connection_string.split(';') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| invalid(format!("`{part}` is not a `key=value` pair")))?;
            pairs.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
        let get = |key: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        if get("usedevelopmentstorage").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            let Some(proxy) = get("developmentstorageproxyuri") else {
                return Ok(StorageAccount::development());
            };
            let host = proxy
                .trim_end_matches('/')
                .rsplit("://")
                .next()
                .unwrap_or(proxy);
            let host = host.split(':').next().unwrap_or(host);
            return Ok(StorageAccount::emulator(
                host,
                DEFAULT_BLOB_PORT,
                DEFAULT_QUEUE_PORT,
            ));
        }
        let name = get("accountname")
            .filter(|n| !n.is_empty())
            .ok_or_else(|| invalid("no `AccountName`".into()))?;
        let key = get("accountkey").filter(|k| !k.is_empty()).ok_or_else(|| {
            invalid(
                "no `AccountKey`: only Shared Key connection strings are supported locally \
                     (not SAS or managed identity)"
                    .into(),
            )
        })?;
        let protocol = get("defaultendpointsprotocol").unwrap_or("https");
        let suffix = get("endpointsuffix").unwrap_or("core.windows.net");
        let endpoint = |explicit: Option<&str>, service: &str| {
            explicit.map_or_else(
                || format!("{protocol}://{name}.{service}.{suffix}"),
                |e| e.trim_end_matches('/').to_string(),
            )
        };
        Ok(StorageAccount {
            name: name.to_string(),
            key: key.to_string(),
            blob_endpoint: endpoint(get("blobendpoint"), "blob"),
            queue_endpoint: endpoint(get("queueendpoint"), "queue"),
            development: name == DEVELOPMENT_ACCOUNT && key == DEVELOPMENT_KEY,
        })
    }

    /// The account name (`devstoreaccount1` for the emulator).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The base64 Shared Key.
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// The blob service URL, without a trailing slash.
    pub fn blob_endpoint(&self) -> &str {
        &self.blob_endpoint
    }

    /// The queue service URL, without a trailing slash.
    pub fn queue_endpoint(&self) -> &str {
        &self.queue_endpoint
    }

    /// True for the emulator's well-known account.
    pub fn is_development(&self) -> bool {
        self.development
    }

    /// A connection string with explicit endpoints, for handing the same account to the handler.
    pub fn connection_string(&self) -> String {
        let protocol = if self.blob_endpoint.starts_with("https:") {
            "https"
        } else {
            "http"
        };
        format!(
            "DefaultEndpointsProtocol={protocol};AccountName={};AccountKey={};BlobEndpoint={};QueueEndpoint={};",
            self.name, self.key, self.blob_endpoint, self.queue_endpoint
        )
    }

    /// `host:port` of the queue service, for a quick "is anything listening" check.
    pub fn queue_authority(&self) -> Option<String> {
        authority(&self.queue_endpoint)
    }

    /// `host:port` of the blob service.
    pub fn blob_authority(&self) -> Option<String> {
        authority(&self.blob_endpoint)
    }
}

fn authority(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?;
    if authority.contains(':') {
        Some(authority.to_string())
    } else {
        let port = if scheme.eq_ignore_ascii_case("https") {
            443
        } else {
            80
        };
        Some(format!("{authority}:{port}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_storage() {
        let account = StorageAccount::parse("UseDevelopmentStorage=true").unwrap();
        assert!(account.is_development());
        assert_eq!(
            account.blob_endpoint(),
            "http://127.0.0.1:10000/devstoreaccount1"
        );
        assert_eq!(account.queue_authority().unwrap(), "127.0.0.1:10001");
        let proxied = StorageAccount::parse(
            "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite",
        )
        .unwrap();
        assert_eq!(
            proxied.queue_endpoint(),
            "http://azurite:10001/devstoreaccount1"
        );
    }

    #[test]
    fn account_connection_strings() {
        let account = StorageAccount::parse(
            "DefaultEndpointsProtocol=https;AccountName=myacct;AccountKey=a2V5;EndpointSuffix=core.windows.net",
        )
        .unwrap();
        assert_eq!(
            account.queue_endpoint(),
            "https://myacct.queue.core.windows.net"
        );
        assert!(!account.is_development());
        let round_trip = StorageAccount::parse(&account.connection_string()).unwrap();
        assert_eq!(round_trip, account);
    }

    #[test]
    fn helpful_errors() {
        let err = StorageAccount::parse("AccountName=x").unwrap_err();
        assert!(err.to_string().contains("AccountKey"), "{err}");
        let err = StorageAccount::parse("garbage").unwrap_err();
        assert!(err.to_string().contains("key=value"), "{err}");
        assert!(!format!("{:?}", StorageAccount::development()).contains("Eby8"));
    }
}
