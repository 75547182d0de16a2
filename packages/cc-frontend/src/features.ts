/**
 * What the front end supports, as `__has_attribute`, `__has_builtin`, `__has_feature` and
 * `__has_extension` report it. Headers pick code paths by these answers, so they say 1 only for
 * what tbpf cc handles (honours, or knowingly ignores because it does not change BPF code).
 */

/** Attributes the parser understands; a name may be written `x` or `__x__`. */
const ATTRIBUTES = new Set([
  // honoured
  'aligned',
  'always_inline',
  'btf_decl_tag',
  'btf_type_tag',
  'mode',
  'noinline',
  'packed',
  'preserve_access_index',
  'section',
  'weak',
  'used',
  // no effect on BPF code
  'cold',
  'const',
  'counted_by',
  'deprecated',
  'fallthrough',
  'flatten',
  'format',
  'gnu_inline',
  'hot',
  'may_alias',
  'maybe_unused',
  'no_instrument_function',
  'nonnull',
  'noreturn',
  'nothrow',
  'pure',
  'returns_nonnull',
  'unavailable',
  'unused',
  'visibility',
  'warn_unused_result',
  'warning',
  'error',
  'cleanup',
  'designated_init',
]);

export function hasAttribute(name: string): boolean {
  return ATTRIBUTES.has(attributeName(name));
}

/** `__packed__` → `packed`. */
export function attributeName(name: string): string {
  return name.length > 4 && name.startsWith('__') && name.endsWith('__') ? name.slice(2, -2) : name;
}

/** Builtin functions the parser accepts (one place: the parser's builtin table is checked against it). */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  '__atomic_add_fetch',
  '__atomic_and_fetch',
  '__atomic_compare_exchange_n',
  '__atomic_exchange_n',
  '__atomic_fetch_add',
  '__atomic_fetch_and',
  '__atomic_fetch_or',
  '__atomic_fetch_sub',
  '__atomic_fetch_xor',
  '__atomic_load_n',
  '__atomic_or_fetch',
  '__atomic_signal_fence',
  '__atomic_store_n',
  '__atomic_sub_fetch',
  '__atomic_thread_fence',
  '__atomic_xor_fetch',
  '__builtin_assume',
  '__builtin_btf_type_id',
  '__builtin_bswap16',
  '__builtin_bswap32',
  '__builtin_bswap64',
  '__builtin_choose_expr',
  '__builtin_clz',
  '__builtin_clzl',
  '__builtin_clzll',
  '__builtin_constant_p',
  '__builtin_ctz',
  '__builtin_ctzl',
  '__builtin_ctzll',
  '__builtin_expect',
  '__builtin_expect_with_probability',
  '__builtin_ffs',
  '__builtin_ffsl',
  '__builtin_ffsll',
  '__builtin_memcmp',
  '__builtin_memcpy',
  '__builtin_memmove',
  '__builtin_memset',
  '__builtin_object_size',
  '__builtin_parity',
  '__builtin_parityl',
  '__builtin_parityll',
  '__builtin_popcount',
  '__builtin_popcountl',
  '__builtin_popcountll',
  '__builtin_offsetof',
  '__builtin_preserve_access_index',
  '__builtin_preserve_enum_value',
  '__builtin_preserve_field_info',
  '__builtin_preserve_type_info',
  '__builtin_trap',
  '__builtin_types_compatible_p',
  '__builtin_unpredictable',
  '__builtin_unreachable',
  '__sync_add_and_fetch',
  '__sync_and_and_fetch',
  '__sync_bool_compare_and_swap',
  '__sync_fetch_and_add',
  '__sync_fetch_and_and',
  '__sync_fetch_and_or',
  '__sync_fetch_and_sub',
  '__sync_fetch_and_xor',
  '__sync_lock_test_and_set',
  '__sync_or_and_fetch',
  '__sync_sub_and_fetch',
  '__sync_val_compare_and_swap',
  '__sync_xor_and_fetch',
]);

/** Names in the compiler's namespace for builtins: unknown ones are "not supported", not undeclared. */
export function isBuiltinLike(name: string): boolean {
  return name.startsWith('__builtin_') || name.startsWith('__sync_') || name.startsWith('__atomic_');
}

/** `__has_feature` (and, with `extension`, `__has_extension`) as clang-19 answers for C. */
export function hasFeature(name: string, extension: boolean): boolean {
  switch (name) {
    case 'c_static_assert':
    case 'c_alignas':
    case 'c_alignof':
    case 'attribute_deprecated_with_message':
    case 'attribute_unavailable_with_message':
    case 'enumerator_attributes':
      return true;
    case 'gnu_asm':
      return extension;
    default:
      return false;
  }
}
