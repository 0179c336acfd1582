#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace Meterline::Http
{

// A FIFO queue on a vector that keeps its storage. std::deque allocates a node per element once elements are larger
// than 512 bytes (a connection's pending request is): a malloc and a free per request on a keep-alive connection.
// A popped element is destroyed at once; its slot is reused when the queue empties, and the dead slots in front are
// dropped before the vector would grow. References stay valid until the next emplace_back().
template <typename T> class RecyclingQueue
{
public:
    std::size_t size() const { return m_slots.size() - m_head; }
    bool empty() const { return m_head == m_slots.size(); }
    T& front() { return *m_slots[m_head]; }
    T& operator[](std::size_t i) { return *m_slots[m_head + i]; }

    template <typename... Args> T& emplace_back(Args&&... args)
    {
        if (m_head > 0 && m_slots.size() == m_slots.capacity()) {
            m_slots.erase(m_slots.begin(), m_slots.begin() + std::ptrdiff_t(m_head));
            m_head = 0;
        }
        return m_slots.emplace_back(std::in_place, std::forward<Args>(args)...).value();
    }

    void pop_front()
    {
        m_slots[m_head].reset();
        if (++m_head == m_slots.size())
            clear();
    }

    void clear()
    {
        m_slots.clear(); // keeps the capacity
        m_head = 0;
    }

private:
    std::vector<std::optional<T>> m_slots;
    std::size_t m_head = 0;
};

} // namespace Meterline::Http
