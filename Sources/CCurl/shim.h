#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic macros-in-spirit; typed wrappers for Swift. */
static inline CURLcode meterd_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode meterd_curl_set_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode meterd_curl_get_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}

/* CURLOPT_WRITEFUNCTION takes a function pointer, which Swift cannot pass through a void *. */
typedef size_t (*meterd_curl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode meterd_curl_set_write_callback(CURL *curl, meterd_curl_write_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode meterd_curl_set_off_t(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
