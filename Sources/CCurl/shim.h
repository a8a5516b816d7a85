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
