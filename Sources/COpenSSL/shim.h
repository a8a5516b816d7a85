// libcrypto from libssl-dev: scrypt, PBKDF2-HMAC-SHA256 and AES-128-CTR for keystore import,
// SHA3-256 to cross-check the Keccak permutation in tests.
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
