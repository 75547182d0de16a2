/* tbpf cc's freestanding <stddef.h> for the BPF target (LP64). Honours glibc's __need_* requests. */
#if !defined(__need_size_t) && !defined(__need_ptrdiff_t) && !defined(__need_wchar_t) && \
    !defined(__need_NULL) && !defined(__need_wint_t) && !defined(__need_max_align_t) && \
    !defined(__need_offsetof)
#define __tbpf_stddef_all
#endif

#if defined(__tbpf_stddef_all) || defined(__need_size_t)
#ifndef _SIZE_T
#define _SIZE_T
typedef __SIZE_TYPE__ size_t;
#endif
#undef __need_size_t
#endif

#if defined(__tbpf_stddef_all) || defined(__need_ptrdiff_t)
#ifndef _PTRDIFF_T
#define _PTRDIFF_T
typedef __PTRDIFF_TYPE__ ptrdiff_t;
#endif
#undef __need_ptrdiff_t
#endif

#if defined(__tbpf_stddef_all) || defined(__need_wchar_t)
#ifndef _WCHAR_T
#define _WCHAR_T
typedef __WCHAR_TYPE__ wchar_t;
#endif
#undef __need_wchar_t
#endif

#if defined(__need_wint_t)
#ifndef _WINT_T
#define _WINT_T
typedef __WINT_TYPE__ wint_t;
#endif
#undef __need_wint_t
#endif

#if defined(__tbpf_stddef_all) || defined(__need_NULL)
#undef NULL
#define NULL ((void *)0)
#undef __need_NULL
#endif

#if defined(__tbpf_stddef_all) || defined(__need_max_align_t)
#ifndef __CLANG_MAX_ALIGN_T_DEFINED
#define __CLANG_MAX_ALIGN_T_DEFINED
typedef struct {
  long long __max_align_ll __attribute__((__aligned__(__alignof__(long long))));
  long double __max_align_ld __attribute__((__aligned__(__alignof__(long double))));
} max_align_t;
#endif
#undef __need_max_align_t
#endif

#if defined(__tbpf_stddef_all) || defined(__need_offsetof)
#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
#undef __need_offsetof
#endif

#ifdef __tbpf_stddef_all
#undef __tbpf_stddef_all
#ifndef __STDDEF_H
#define __STDDEF_H
#endif
#endif
