// libsodium (libsodium-dev): only its low-level scrypt, for keystores whose parameters OpenSSL
// refuses under RFC 7914's N < 2^(16·r) rule (the Web3 Secret Storage test vector has r=1, N=2^18).
#include <sodium/crypto_pwhash_scryptsalsa208sha256.h>
