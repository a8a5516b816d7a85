// OpenSSL from libssl-dev. libcrypto: scrypt, PBKDF2-HMAC-SHA256 and AES-128-CTR for keystore
// import, SHA3-256 to cross-check the Keccak permutation in tests. libssl: TLS to JSON-RPC nodes.
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Macros in OpenSSL's headers, as functions Swift can call. */
static inline int meterd_ssl_ctx_set_min_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}
static inline int meterd_ssl_set_server_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
