#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace emu {
struct Kernel {
    const char* name;
    std::vector<size_t> sizes;
    std::function<void(void**)> invoke;
};
std::map<std::string, Kernel>& registry();

template <typename... A, size_t... I>
void invokeImpl(void (*f)(A...), void** p, std::index_sequence<I...>) {
    f(*reinterpret_cast<std::remove_reference_t<A>*>(p[I])...);
}

template <typename... A>
bool add(const char* name, void (*f)(A...)) {
    registry()[name] = Kernel{name, {sizeof(A)...}, [f](void** p) { invokeImpl(f, p, std::index_sequence_for<A...>{}); }};
    return true;
}
}  // namespace emu
#define EMU_KERNEL(fn) static bool reg_##fn = emu::add(#fn, fn);
