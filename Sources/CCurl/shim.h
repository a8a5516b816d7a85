// libcurl from libcurl4-openssl-dev: the chain link's HTTP and HTTPS (TLS through OpenSSL, proxies,
// the threaded resolver).
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic; typed wrappers Swift can call. */
static inline CURLcode meterd_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode meterd_curl_set_pointer(CURL *curl, CURLoption option, const void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode meterd_curl_set_off_t(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode meterd_curl_get_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}
static inline CURLcode meterd_curl_get_string(CURL *curl, CURLINFO info, char **value) {
    return curl_easy_getinfo(curl, info, value);
}

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION take function pointers, which Swift cannot pass
   through the variadic setter. */
typedef size_t (*meterd_curl_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode meterd_curl_set_callback(CURL *curl, CURLoption option, meterd_curl_data_callback callback) {
    return curl_easy_setopt(curl, option, callback);
}
